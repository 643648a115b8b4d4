package io.artstore.ingester.core.service;

import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FakeSigner;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class AddAndDeleteFileServiceTest {

    private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");
    private final ManualClock clock = new ManualClock(NOW);
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final InMemoryStorageElement rw = InMemoryStorageElement.of("rw-1", Mode.RW);
    private final List<StorageElement> elements = List.of(edit, rw);
    private final FakeCapacityReservations reservations = new FakeCapacityReservations();
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final InMemorySagaLog sagaLog = new InMemorySagaLog();
    private final FileSagas sagas = new FileSagas(new FileSagas.Ports(() -> elements, reservations, catalog, events,
            new InMemoryLocks(), sagaLog), clock, Optional.of(new FakeSigner(SignatureAlgorithm.ECDSA_P256_SHA256, clock)));
    private final AddFileService add = sagas.add();
    private final FileLocator locator = new FileLocator(catalog, () -> elements);
    private final DeleteFileUseCase delete = sagas.delete();

    @Test
    void adds_a_temporary_file_to_an_edit_element_and_catalogues_it() throws Exception {
        byte[] data = bytes("hello, archive");

        AddedFile added = add.add(anAddFileCommand().metadata("case", "A-17").ttlDays(7).build(), new ByteArrayInputStream(data));

        FileId id = added.entry().fileId();
        assertThat(added.element().id()).isEqualTo(edit.id());
        assertThat(added.retention()).isEqualTo(RetentionPolicy.TEMPORARY);
        assertThat(added.ttlExpiresAt()).contains(NOW.plus(Duration.ofDays(7)));
        assertThat(added.content().originalChecksum()).isEqualTo(sha256(data));
        assertThat(edit.open(id).orElseThrow().readAllBytes()).isEqualTo(data);
        assertThat(edit.stat(id).orElseThrow().metadata()).containsEntry("case", "A-17").containsKey(StoredContent.METADATA_KEY);
        assertThat(catalog.find(id)).contains(added.entry());
        assertThat(events.published()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(FileEvent.Type.FILE_ADDED);
            assertThat(event.fileId()).isEqualTo(id);
        });
        assertThat(reservations.totalOutstanding()).isZero();
    }

    @Test
    void a_permanent_file_goes_to_rw_and_has_no_expiry() {
        AddedFile added = add.add(anAddFileCommand().mode(Mode.RW).build(), new ByteArrayInputStream(bytes("x")));

        assertThat(added.element().id()).isEqualTo(rw.id());
        assertThat(added.retention()).isEqualTo(RetentionPolicy.PERMANENT);
        assertThat(added.ttlExpiresAt()).isEmpty();
    }

    @Test
    void a_compressed_file_records_its_original_size_and_checksum() throws Exception {
        byte[] data = bytes("la ".repeat(10_000));

        AddedFile added = add.add(anAddFileCommand().compression(CompressionAlgorithm.GZIP).build(), new ByteArrayInputStream(data));

        StoredContent content = edit.stat(added.entry().fileId()).orElseThrow().content();
        assertThat(content.compression()).contains(CompressionAlgorithm.GZIP);
        assertThat(content.originalSize()).isEqualTo(data.length);
        assertThat(content.originalChecksum()).isEqualTo(sha256(data));
        assertThat(content.storedSize()).isLessThan(data.length);
    }

    @Test
    void incompressible_data_asked_for_gzip_is_stored_as_it_is_and_its_metadata_says_why() {
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);

        AddedFile added = add.add(anAddFileCommand().compression(CompressionAlgorithm.GZIP).build(), new ByteArrayInputStream(data));

        FileId id = added.entry().fileId();
        assertThat(added.content().compression()).isEmpty();
        assertThat(added.content().compressionSkipped()).contains("incompressible");
        assertThat(edit.stat(id).orElseThrow().metadata().get(StoredContent.METADATA_KEY)).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("compressed", false)
                .containsEntry("compression_requested", "gzip")
                .containsEntry("compression_skipped", "incompressible")
                .doesNotContainKey("compression_algorithm");
        StoredContent readBack = catalog.find(id).orElseThrow().attributes().content();
        assertThat(readBack.requestedCompression()).contains(CompressionAlgorithm.GZIP);
        assertThat(readBack.compression()).isEmpty();
        assertThat(readBack.storedChecksum()).isEqualTo(readBack.originalChecksum());
    }

    /** The stored bytes are digested once, on the way out: an element that kept other bytes is caught by it. */
    @Test
    void an_element_that_stores_other_bytes_than_were_sent_fails_the_add_and_keeps_nothing() {
        StorageElement corrupting = (StorageElement) Proxy.newProxyInstance(StorageElement.class.getClassLoader(),
                new Class<?>[] {StorageElement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stage") || method.getName().equals("stageForPublishing")) {
                        args[1] = new FilterInputStream((InputStream) args[1]) {
                            private boolean flipped;

                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                int n = in.read(b, off, len);
                                if (n > 0 && !flipped) {
                                    b[off] ^= 1;
                                    flipped = true;
                                }
                                return n;
                            }
                        };
                    }
                    try {
                        return method.invoke(edit, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        FileSagas corrupted = new FileSagas(new FileSagas.Ports(() -> List.of(corrupting, rw), reservations, catalog, events,
                new InMemoryLocks(), sagaLog), clock, Optional.empty());

        assertThatThrownBy(() -> corrupted.add().add(anAddFileCommand().build(), new ByteArrayInputStream(bytes("some bytes"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("storage_checksum_mismatch"));
        assertNothingStored();
    }

    @Test
    void a_checksum_mismatch_leaves_nothing_behind() {
        Sha256 wrong = Sha256.parse("0".repeat(64));

        assertThatThrownBy(() -> add.add(anAddFileCommand().checksum(wrong).build(), new ByteArrayInputStream(bytes("data"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONTENT_MISMATCH));

        assertNothingStored();
    }

    @Test
    void a_declared_size_over_the_maximum_is_refused_before_any_byte() {
        assertThatThrownBy(() -> add.add(anAddFileCommand().declaredSize(10_000_001).build(), new ByteArrayInputStream(bytes("x"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));

        assertNothingStored();
    }

    @Test
    void a_file_that_does_not_fit_is_refused_with_507_before_any_byte() {
        edit.reportCapacity(new Capacity(100, 90, 10));

        assertThatThrownBy(() -> add.add(anAddFileCommand().declaredSize(11).build(), new ByteArrayInputStream(bytes("01234567890"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INSUFFICIENT_STORAGE));

        assertNothingStored();
    }

    @Test
    void a_507_names_the_declared_size_of_the_file_not_its_compressed_bound() {
        edit.reportCapacity(new Capacity(100_000, 99_000, 1000));

        assertThatThrownBy(() -> add.add(anAddFileCommand().declaredSize(1001).compression(CompressionAlgorithm.GZIP).build(),
                new ByteArrayInputStream(new byte[1001])))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo("insufficient_storage");
                    assertThat(e.getMessage()).contains("the file's 1001 bytes").doesNotContain("2028");
                });
        assertNothingStored();
    }

    @Test
    void a_request_length_is_no_file_size_a_file_under_it_that_fits_is_taken() {
        edit.reportCapacity(new Capacity(100, 90, 10));

        AddedFile added = add.add(anAddFileCommand().sizeHint(5000).build(), new ByteArrayInputStream(bytes("0123456")));

        assertThat(added.content().originalSize()).isEqualTo(7);
        assertThat(reservations.totalOutstanding()).isZero();
    }

    @Test
    void a_file_that_outgrows_the_room_under_a_request_length_gets_a_507_without_that_length() {
        edit.reportCapacity(new Capacity(100, 90, 10));

        assertThatThrownBy(() -> add.add(anAddFileCommand().sizeHint(5000).build(), new ByteArrayInputStream(new byte[11])))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo("insufficient_storage");
                    assertThat(e.getMessage()).doesNotContain("5000");
                });
        assertNothingStored();
    }

    @Test
    void a_signed_file_keeps_its_signature_beside_it_and_names_it_in_its_metadata() {
        AddedFile added = add.add(anAddFileCommand().signed().build(), new ByteArrayInputStream(bytes("sign me")));

        FileId id = added.entry().fileId();
        assertThat(added.signature()).hasValueSatisfying(signature ->
                assertThat(edit.readSidecar(id, DetachedSignature.SIDECAR_SUFFIX)).hasValueSatisfying(der ->
                        assertThat(der).isEqualTo(signature.der())));
        assertThat(added.signatureFile()).contains(added.entry().attributes().storageFilename() + ".sig");
        assertThat(edit.stat(id).orElseThrow().metadata().get(StoredContent.METADATA_KEY)).asInstanceOf(InstanceOfAssertFactories.MAP)
                .extractingByKey("signature").asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("algorithm", "ecdsa-p256-sha256")
                .containsEntry("certificate_fingerprint", FakeSigner.CERTIFICATE_FINGERPRINT)
                .containsKey("signed_at");
    }

    @Test
    void the_add_answers_with_the_saga_that_ran_it_and_the_saga_completed() {
        AddedFile added = add.add(anAddFileCommand().build(), new ByteArrayInputStream(bytes("x")));

        assertThat(SagaState.of(sagaLog.load(added.sagaId()))).isEqualTo(SagaState.COMPLETED);
        assertThat(sagaLog.load(added.sagaId()).get(0).sagaType()).isEqualTo(AddFileSaga.TYPE);
    }

    @Test
    void signing_without_a_signer_is_refused_before_any_byte() {
        FileSagas unsigned = new FileSagas(new FileSagas.Ports(() -> elements, reservations, catalog, events,
                new InMemoryLocks(), sagaLog), clock, Optional.empty());

        assertThatThrownBy(() -> unsigned.add().add(anAddFileCommand().signed().build(), new ByteArrayInputStream(bytes("x"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("signing_unavailable"));
        assertNothingStored();
    }

    @Test
    void an_unavailable_codec_is_a_bad_request() {
        assertThatThrownBy(() -> add.add(anAddFileCommand().compression(CompressionAlgorithm.BROTLI).build(),
                new ByteArrayInputStream(bytes("x"))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("unsupported_compression"));
    }

    @Test
    void deletes_a_file_from_an_edit_element() {
        FileId id = add.add(anAddFileCommand().build(), new ByteArrayInputStream(bytes("x"))).entry().fileId();

        delete.delete(id);

        assertThat(edit.stat(id)).isEmpty();
        assertThat(catalog.find(id)).isEmpty();
        assertThat(events.published()).extracting(FileEvent::type)
                .containsExactly(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_DELETED);
    }

    @Test
    void the_added_and_deleted_events_carry_the_files_attributes() throws Exception {
        byte[] data = bytes("la ".repeat(10_000));
        AddedFile added = add.add(anAddFileCommand().originalFilename("song.txt").metadata("case", "A-17").ttlDays(7)
                .compression(CompressionAlgorithm.GZIP).signed().build(), new ByteArrayInputStream(data));
        FileId id = added.entry().fileId();
        Sha256 original = sha256(data);

        delete.delete(id);

        assertThat(events.published()).extracting(FileEvent::type)
                .containsExactly(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_DELETED);
        assertThat(events.published()).allSatisfy(event -> assertThat(event.attributes()).hasValueSatisfying(file -> {
            assertThat(file.originalFilename()).isEqualTo("song.txt");
            assertThat(file.contentType()).isEqualTo("text/plain");
            assertThat(file.description()).contains("a report");
            assertThat(file.version()).contains("1");
            assertThat(file.metadata()).as("the uploader's metadata, not the ingester's own section")
                    .containsOnlyKeys("case").containsEntry("case", "A-17");
            assertThat(file.createdById()).isEqualTo("u-1");
            assertThat(file.createdByUsername()).isEqualTo("ivan");
            assertThat(file.createdAt()).isEqualTo(added.entry().attributes().createdAt());
            assertThat(file.compression()).contains(new FileEventAttributes.Compression(CompressionAlgorithm.GZIP,
                    data.length, original));
            assertThat(file.signatureAlgorithm()).contains(SignatureAlgorithm.ECDSA_P256_SHA256.wireName());
            assertThat(file.retention()).isEqualTo(RetentionPolicy.TEMPORARY);
            assertThat(file.ttlExpiresAt()).contains(NOW.plus(Duration.ofDays(7)));
        }));
        assertThat(events.published().get(1).attributes()).isEqualTo(events.published().get(0).attributes());
    }

    @Test
    void a_plain_permanent_files_event_says_it_is_uncompressed_unsigned_and_without_ttl() {
        add.add(anAddFileCommand().mode(Mode.RW).build(), new ByteArrayInputStream(bytes("x")));

        assertThat(events.published()).singleElement().satisfies(event -> assertThat(event.attributes())
                .hasValueSatisfying(file -> {
                    assertThat(file.compression()).isEmpty();
                    assertThat(file.signed()).isFalse();
                    assertThat(file.retention()).isEqualTo(RetentionPolicy.PERMANENT);
                    assertThat(file.ttlExpiresAt()).isEmpty();
                }));
    }

    @Test
    void refuses_to_delete_from_an_rw_element() {
        FileId id = add.add(anAddFileCommand().mode(Mode.RW).build(), new ByteArrayInputStream(bytes("x"))).entry().fileId();

        assertThatThrownBy(() -> delete.delete(id))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("wrong_mode"));
        assertThat(rw.stat(id)).isPresent();
    }

    @Test
    void an_unknown_file_is_not_found() {
        assertThatThrownBy(() -> delete.delete(FileId.random()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void a_file_missing_from_the_catalogue_is_found_on_its_element_and_catalogued_again() {
        FileId id = add.add(anAddFileCommand().build(), new ByteArrayInputStream(bytes("x"))).entry().fileId();
        catalog.remove(id);

        assertThat(locator.find(id)).hasValueSatisfying(location -> assertThat(location.entry().elementId()).isEqualTo(edit.id()));
        assertThat(catalog.find(id)).isPresent();
    }

    @Test
    void a_placement_refusal_leaves_no_saga_record() {
        edit.reportCapacity(new Capacity(100, 90, 10));

        assertThatThrownBy(() -> add.add(anAddFileCommand().declaredSize(11).build(), new ByteArrayInputStream(new byte[11])))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("insufficient_storage"));
        assertThatThrownBy(() -> add.add(anAddFileCommand().element("rw-1").build(), new ByteArrayInputStream(new byte[5])))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("wrong_mode"));
        assertThatThrownBy(() -> add.add(anAddFileCommand().element("nowhere").build(), new ByteArrayInputStream(new byte[5])))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("unknown_storage_element"));

        for (SagaState state : SagaState.values()) {
            assertThat(sagaLog.list(state)).as(state.name()).isEmpty();
        }
        assertNothingStored();
    }

    private void assertNothingStored() {
        assertThat(edit.storedCount() + rw.storedCount()).isZero();
        assertThat(catalog.size()).isZero();
        assertThat(events.published()).isEmpty();
        assertThat(reservations.totalOutstanding()).isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Sha256 sha256(byte[] data) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
