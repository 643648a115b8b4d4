package io.artstore.ingester.core.port.out;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.testing.StoreRequestBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link StorageElement} must do, written once and run against each implementation: extend it,
 * create a fresh element of the given mode in {@link #newElement}, and say in {@link #assertNoLeftovers}
 * how to see that nothing partial is left behind.
 */
public abstract class StorageElementContract {

    /** A fresh, empty element of that mode; a test may ask for several. */
    protected abstract StorageElement newElement(Mode mode);

    /**
     * How the element names a stored file. By default ArtStore's rule over the request's uploader and time, as
     * local elements apply it; remote elements name files after their own token and clock and override this.
     */
    protected void assertStorageName(FileAttributes stored, StoreRequest request) {
        assertThat(stored.storageFilename()).isEqualTo(StorageFileName.of(request.originalFilename(),
                request.uploader().username(), request.createdAt(), request.fileId()));
        assertThat(stored.storagePath()).isEqualTo(StorageFileName.folderOf(request.createdAt()));
    }

    /**
     * What {@link StorageElement#stat} reports of a file stored as {@code stored}. By default the same attributes;
     * an element whose metadata cannot be read back (a remote SE) reports only its own fields and overrides this.
     */
    protected void assertReported(Optional<FileAttributes> reported, FileAttributes stored) {
        assertThat(reported).contains(stored);
    }

    /**
     * Whether the element stages natively: a staged copy invisible until published, discarding never touching a
     * stored file. Elements that emulate staging by uploading (remote SEs) cannot tell the two apart.
     */
    protected boolean stagesNatively() {
        return true;
    }

    /**
     * Fails when any element this test created holds anything besides complete stored files, their sidecars
     * and complete staged copies: half-written data, temporary files, sidecars of files that are gone.
     */
    protected abstract void assertNoLeftovers();

    // --- Store, stat, open ---

    @Test
    void store_then_stat_and_open_return_the_same_attributes_and_bytes() {
        StorageElement element = newElement(Mode.EDIT);
        byte[] bytes = randomBytes(150_000, 1);
        StoreRequest request = aStoreRequest().description("quarterly report").version("2")
                .metadata(Map.of("project", "atlas", "pages", 12, "tags", List.of("a", "b"), "ok", true,
                        "nested", Map.of("iso", 100)))
                .build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        assertReported(element.stat(request.fileId()), stored);
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
        assertThat(stored.fileId()).isEqualTo(request.fileId());
        assertThat(stored.originalFilename()).isEqualTo("report.pdf");
        assertThat(stored.contentType()).isEqualTo("application/pdf");
        assertThat(stored.createdAt()).isEqualTo(StoreRequestBuilder.CREATED_AT);
        assertThat(stored.createdById()).isEqualTo("user-42");
        assertThat(stored.createdByUsername()).isEqualTo("alice");
        assertThat(stored.createdByFullname()).contains("Alice Martin");
        assertThat(stored.description()).contains("quarterly report");
        assertThat(stored.version()).contains("2");
        assertThat(stored.metadata()).isEqualTo(Map.of("project", "atlas", "pages", 12, "tags", List.of("a", "b"),
                "ok", true, "nested", Map.of("iso", 100)));
        assertNoLeftovers();
    }

    @Test
    void stored_attributes_follow_the_artstore_naming_rule() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().originalFilename("scan 01.tiff").build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(randomBytes(10, 2)));

        assertStorageName(stored, request);
    }

    @Test
    void size_and_checksum_are_those_of_the_stored_bytes() {
        StorageElement element = newElement(Mode.EDIT);
        byte[] bytes = randomBytes(3 * 65_536 + 17, 3);

        FileAttributes stored = element.store(aStoreRequest().build(), new ByteArrayInputStream(bytes));

        assertThat(stored.fileSize()).isEqualTo(bytes.length);
        assertThat(stored.checksum()).isEqualTo(sha256(bytes));
    }

    @Test
    void optional_attributes_stay_absent() {
        StorageElement element = newElement(Mode.EDIT);
        StoreRequest request = aStoreRequest().uploader(new Uploader("svc", "svc", Optional.empty())).build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(randomBytes(5, 4)));

        assertReported(element.stat(request.fileId()), stored);
        assertThat(stored.createdByFullname()).isEmpty();
        assertThat(stored.description()).isEmpty();
        assertThat(stored.version()).isEmpty();
        assertThat(stored.metadata()).isEmpty();
    }

    @Test
    void metadata_is_asked_for_only_after_the_content_has_ended() {
        StorageElement element = newElement(Mode.EDIT);
        byte[] bytes = randomBytes(200_000, 5);
        WatchedStream content = new WatchedStream(bytes);
        List<Boolean> endedWhenAsked = new ArrayList<>();
        StoreRequest request = aStoreRequest().metadata(() -> {
            endedWhenAsked.add(content.ended());
            return Map.of("bytes_seen", content.count());
        }).build();

        FileAttributes stored = element.store(request, content);

        assertThat(endedWhenAsked).containsExactly(true);
        assertThat(((Number) stored.metadata().get("bytes_seen")).longValue()).isEqualTo(bytes.length);
    }

    @Test
    void unknown_files_are_not_there() {
        StorageElement element = newElement(Mode.EDIT);
        FileId unknown = FileId.random();

        assertThat(element.stat(unknown)).isEmpty();
        assertThat(element.open(unknown)).isEmpty();
    }

    @Test
    void a_unicode_file_name_is_kept() {
        StorageElement element = newElement(Mode.EDIT);
        String name = "Отчёт – 東京 résumé 📷.pdf";
        StoreRequest request = aStoreRequest().originalFilename(name)
                .uploader(new Uploader("u-7", "Zoë Ångström", Optional.of("Zoë Ångström"))).build();
        byte[] bytes = "привет".getBytes(StandardCharsets.UTF_8);

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        assertThat(stored.originalFilename()).isEqualTo(name);
        assertStorageName(stored, request);
        assertReported(element.stat(request.fileId()), stored);
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
    }

    @Test
    void concurrent_stores_of_different_files_all_land() throws Exception {
        StorageElement element = newElement(Mode.EDIT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<FileAttributes>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] bytes = randomBytes(20_000 + i, 100 + i);
                results.add(pool.submit(() -> element.store(aStoreRequest().build(), new ByteArrayInputStream(bytes))));
            }
            for (int i = 0; i < results.size(); i++) {
                FileAttributes stored = results.get(i).get();
                assertThat(readAll(element, stored.fileId())).isEqualTo(randomBytes(20_000 + i, 100 + i));
            }
        } finally {
            pool.shutdownNow();
        }
        assertNoLeftovers();
    }

    // --- Failures leave nothing ---

    @Test
    void a_failing_content_stream_is_passed_on_and_leaves_nothing() {
        StorageElement element = newElement(Mode.EDIT);
        IngestException failure = new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted", "client went away");
        AtomicInteger metadataCalls = new AtomicInteger();
        StoreRequest request = aStoreRequest().metadata(() -> {
            metadataCalls.incrementAndGet();
            return Map.of();
        }).build();

        assertThatThrownBy(() -> element.store(request, new FailingStream(100_000, failure))).isSameAs(failure);

        assertThat(metadataCalls).hasValue(0);
        assertThat(element.stat(request.fileId())).isEmpty();
        assertThat(element.open(request.fileId())).isEmpty();
        assertNoLeftovers();
        byte[] bytes = randomBytes(1000, 6);
        element.store(request, new ByteArrayInputStream(bytes));
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
    }

    @Test
    void a_failing_metadata_supplier_leaves_nothing() {
        StorageElement element = newElement(Mode.EDIT);
        IllegalStateException failure = new IllegalStateException("digest not ready");
        StoreRequest request = aStoreRequest().metadata(() -> {
            throw failure;
        }).build();

        assertThatThrownBy(() -> element.store(request, new ByteArrayInputStream(randomBytes(70_000, 7)))).isSameAs(failure);

        assertThat(element.stat(request.fileId())).isEmpty();
        assertNoLeftovers();
    }

    @Test
    void empty_content_is_refused() {
        StorageElement element = newElement(Mode.EDIT);
        StoreRequest request = aStoreRequest().build();

        assertIngestFailure(() -> element.store(request, InputStream.nullInputStream()), Kind.INVALID_REQUEST, "empty_file");

        assertThat(element.stat(request.fileId())).isEmpty();
        assertNoLeftovers();
    }

    @Test
    void a_second_file_with_the_same_id_is_refused_and_the_first_kept() {
        StorageElement element = newElement(Mode.EDIT);
        FileId fileId = FileId.random();
        byte[] first = randomBytes(1000, 8);
        FileAttributes stored = element.store(aStoreRequest().fileId(fileId).build(), new ByteArrayInputStream(first));

        assertIngestFailure(() -> element.store(aStoreRequest().fileId(fileId).originalFilename("other.txt").build(),
                new ByteArrayInputStream(randomBytes(2000, 9))), Kind.CONFLICT, "file_exists");

        assertReported(element.stat(fileId), stored);
        assertThat(readAll(element, fileId)).isEqualTo(first);
        assertNoLeftovers();
    }

    // --- Modes ---

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"RO", "AR"})
    void elements_that_do_not_take_files_refuse_to_store(Mode mode) {
        StorageElement element = newElement(mode);
        StoreRequest request = aStoreRequest().build();

        assertIngestFailure(() -> element.store(request, new ByteArrayInputStream(randomBytes(10, 10))),
                Kind.CONFLICT, "wrong_mode");
        assertIngestFailure(() -> element.stage(request, new ByteArrayInputStream(randomBytes(10, 10))),
                Kind.CONFLICT, "wrong_mode");
        assertThat(element.stat(request.fileId())).isEmpty();
    }

    @Test
    void describe_names_the_element_and_its_mode() {
        StorageElement element = newElement(Mode.RW);

        StorageElementDescriptor descriptor = element.describe();

        assertThat(descriptor.id()).isEqualTo(element.id());
        assertThat(descriptor.mode()).isEqualTo(Mode.RW);
        assertThat(descriptor.health()).isEqualTo(Health.HEALTHY);
    }

    // --- Delete ---

    @Test
    void delete_in_edit_mode_removes_the_file_once() {
        StorageElement element = newElement(Mode.EDIT);
        FileId fileId = storeSome(element);

        assertThat(element.delete(fileId)).isTrue();
        assertThat(element.stat(fileId)).isEmpty();
        assertThat(element.open(fileId)).isEmpty();
        assertThat(element.delete(fileId)).isFalse();
        assertNoLeftovers();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"RW", "RO", "AR"})
    void delete_outside_edit_mode_is_refused(Mode mode) {
        StorageElement element = newElement(mode);
        FileId fileId = mode.allowsAdd() ? storeSome(element) : FileId.random();

        assertIngestFailure(() -> element.delete(fileId), Kind.CONFLICT, "wrong_mode");

        if (mode.allowsAdd()) {
            assertThat(element.stat(fileId)).isPresent();
        }
    }

    // --- Sidecars ---

    @Test
    void a_sidecar_is_written_read_replaced_and_deleted() {
        StorageElement element = newElement(Mode.RW);
        FileId fileId = storeSome(element);

        element.writeSidecar(fileId, ".sig", bytes("first"));
        assertThat(element.readSidecar(fileId, ".sig")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("first")));
        element.writeSidecar(fileId, ".sig", bytes("second"));
        assertThat(element.readSidecar(fileId, ".sig")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("second")));
        assertThat(element.readSidecar(fileId, ".p7s")).isEmpty();

        assertThat(element.deleteSidecar(fileId, ".sig")).isTrue();
        assertThat(element.readSidecar(fileId, ".sig")).isEmpty();
        assertThat(element.deleteSidecar(fileId, ".sig")).isFalse();
        assertThat(element.stat(fileId)).isPresent();
        assertNoLeftovers();
    }

    @Test
    void a_sidecar_needs_a_stored_file() {
        StorageElement element = newElement(Mode.EDIT);
        FileId unknown = FileId.random();

        assertIngestFailure(() -> element.writeSidecar(unknown, ".sig", bytes("x")), Kind.NOT_FOUND, "file_not_found");
        assertThat(element.readSidecar(unknown, ".sig")).isEmpty();
        assertThat(element.deleteSidecar(unknown, ".sig")).isFalse();
    }

    @Test
    void deleting_a_file_deletes_its_sidecars() {
        StorageElement element = newElement(Mode.EDIT);
        FileId fileId = storeSome(element);
        element.writeSidecar(fileId, ".sig", bytes("signature"));

        element.delete(fileId);

        assertNoLeftovers();
        element.store(aStoreRequest().fileId(fileId).build(), new ByteArrayInputStream(randomBytes(10, 11)));
        assertThat(element.readSidecar(fileId, ".sig")).isEmpty();
    }

    // --- Staging ---

    @Test
    void a_staged_copy_is_invisible_until_published() {
        StorageElement element = newElement(Mode.RW);
        byte[] bytes = randomBytes(80_000, 12);
        StoreRequest request = aStoreRequest().metadata(Map.of("transfer", "tx-1")).build();

        FileAttributes staged = element.stage(request, new ByteArrayInputStream(bytes));

        assertThat(staged.checksum()).isEqualTo(sha256(bytes));
        assertThat(element.staged(request.fileId())).contains(staged);
        if (!stagesNatively()) {
            // An uploaded copy is visible at once; only the caller's record calls it staged.
            assertThat(element.publishStaged(request.fileId())).isEqualTo(staged);
            assertReported(element.stat(request.fileId()), staged);
            assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
            assertNoLeftovers();
            return;
        }
        assertThat(element.stat(request.fileId())).isEmpty();
        assertThat(element.open(request.fileId())).isEmpty();

        FileAttributes published = element.publishStaged(request.fileId());

        assertThat(published).isEqualTo(staged);
        assertReported(element.stat(request.fileId()), staged);
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
        assertThat(element.staged(request.fileId())).isEmpty();
        assertNoLeftovers();
    }

    @Test
    void a_sidecar_staged_beside_a_staged_copy_is_published_with_it() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().build();
        element.stage(request, new ByteArrayInputStream(randomBytes(100, 19)));

        element.stageSidecar(request.fileId(), ".sig", bytes("staged signature"));
        if (stagesNatively()) {
            assertThat(element.readSidecar(request.fileId(), ".sig")).as("invisible until published").isEmpty();
        }
        element.publishStaged(request.fileId());

        assertThat(element.readSidecar(request.fileId(), ".sig"))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("staged signature")));
        assertNoLeftovers();
    }

    @Test
    void a_sidecar_staged_beside_a_staged_copy_is_discarded_with_it() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().build();
        element.stage(request, new ByteArrayInputStream(randomBytes(100, 20)));
        element.stageSidecar(request.fileId(), ".sig", bytes("staged signature"));

        assertThat(element.discardStaged(request.fileId())).isTrue();

        assertThat(element.readSidecar(request.fileId(), ".sig")).isEmpty();
        assertThat(element.stat(request.fileId())).isEmpty();
        assertNoLeftovers();
    }

    @Test
    void a_sidecar_is_staged_only_beside_a_staged_copy() {
        StorageElement element = newElement(Mode.RW);

        assertIngestFailure(() -> element.stageSidecar(FileId.random(), ".sig", bytes("x")), Kind.NOT_FOUND, "file_not_staged");
    }

    @Test
    void publishing_again_returns_the_stored_attributes() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().build();
        element.stage(request, new ByteArrayInputStream(randomBytes(100, 13)));
        FileAttributes first = element.publishStaged(request.fileId());

        assertReported(Optional.of(element.publishStaged(request.fileId())), first);
    }

    @Test
    void staging_the_same_id_again_keeps_the_first_copy() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().build();
        FileAttributes first = element.stage(request, new ByteArrayInputStream(randomBytes(100, 14)));

        if (stagesNatively()) {
            assertThat(element.stage(request, new ByteArrayInputStream(randomBytes(100, 15)))).isEqualTo(first);
        } else {
            // An upload cannot be compared before it is sent: other bytes under the same id are refused.
            assertIngestFailure(() -> element.stage(request, new ByteArrayInputStream(randomBytes(100, 15))),
                    Kind.CONFLICT, "file_exists");
            assertThat(element.stage(request, new ByteArrayInputStream(randomBytes(100, 14)))).isEqualTo(first);
        }
        assertThat(element.staged(request.fileId())).contains(first);
    }

    @Test
    void staging_a_stored_id_is_refused() {
        StorageElement element = newElement(Mode.RW);
        FileId fileId = storeSome(element);

        assertIngestFailure(() -> element.stage(aStoreRequest().fileId(fileId).build(),
                new ByteArrayInputStream(randomBytes(10, 16))), Kind.CONFLICT, "file_exists");
        if (stagesNatively()) {
            assertThat(element.staged(fileId)).isEmpty();
        } else {
            assertThat(element.staged(fileId)).isPresent();
        }
    }

    @Test
    void a_discarded_copy_cannot_be_published() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().build();
        element.stage(request, new ByteArrayInputStream(randomBytes(100, 17)));

        assertThat(element.discardStaged(request.fileId())).isTrue();
        assertThat(element.discardStaged(request.fileId())).isFalse();
        assertThat(element.staged(request.fileId())).isEmpty();
        assertIngestFailure(() -> element.publishStaged(request.fileId()), Kind.NOT_FOUND, "file_not_staged");
        assertThat(element.stat(request.fileId())).isEmpty();
        assertNoLeftovers();
    }

    @Test
    void discarding_never_touches_a_stored_file() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().build();
        element.stage(request, new ByteArrayInputStream(randomBytes(100, 18)));
        element.publishStaged(request.fileId());

        if (!stagesNatively()) {
            // The element cannot tell: it removes the copy under the id, so only a caller that uploaded it may ask.
            assertThat(element.discardStaged(request.fileId())).isTrue();
            assertThat(element.stat(request.fileId())).isEmpty();
            return;
        }
        assertThat(element.discardStaged(request.fileId())).isFalse();
        assertThat(element.stat(request.fileId())).isPresent();
    }

    @Test
    void a_failing_stream_while_staging_leaves_nothing() {
        StorageElement element = newElement(Mode.RW);
        IngestException failure = new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted", "source went away");
        StoreRequest request = aStoreRequest().build();

        assertThatThrownBy(() -> element.stage(request, new FailingStream(70_000, failure))).isSameAs(failure);

        assertThat(element.staged(request.fileId())).isEmpty();
        assertIngestFailure(() -> element.publishStaged(request.fileId()), Kind.NOT_FOUND, "file_not_staged");
        assertNoLeftovers();
    }

    // --- Helpers ---

    protected static FileId storeSome(StorageElement element) {
        StoreRequest request = aStoreRequest().build();
        element.store(request, new ByteArrayInputStream(randomBytes(1000, request.fileId().hashCode())));
        return request.fileId();
    }

    protected static byte[] readAll(StorageElement element, FileId fileId) {
        try (InputStream in = element.open(fileId).orElseThrow()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static Sha256 sha256(byte[] bytes) {
        try {
            return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static void assertIngestFailure(ThrowingCallable call, Kind kind, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    /** Knows whether its reader has seen the end; every read goes through {@link #read(byte[], int, int)}. */
    private static final class WatchedStream extends InputStream {
        private final byte[] bytes;
        private int position;
        private boolean ended;

        WatchedStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public synchronized int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (position == bytes.length) {
                ended = true;
                return -1;
            }
            int n = Math.min(len, bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }

        synchronized boolean ended() {
            return ended;
        }

        synchronized long count() {
            return position;
        }
    }

    /** Gives {@code size} bytes, then throws. */
    private static final class FailingStream extends InputStream {
        private final RuntimeException failure;
        private long remaining;

        FailingStream(long size, RuntimeException failure) {
            this.remaining = size;
            this.failure = failure;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                throw failure;
            }
            int n = (int) Math.min(len, remaining);
            remaining -= n;
            return n;
        }
    }
}
