package io.artstore.ingester.storage.local;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.pipeline.ContentPipeline;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.pipeline.HashingInputStream;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.DigestedContent;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local element's data path: one hash pass, large writes, early writeback. */
class ContentWriterTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T15:31:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void a_plain_stream_is_hashed_by_the_element() throws Exception {
        byte[] data = random(1_000_003);

        ContentWriter.Written written = ContentWriter.write(new ByteArrayInputStream(data), root.resolve("f"));

        assertThat(written.size()).isEqualTo(data.length);
        assertThat(written.checksum()).isEqualTo(sha256(data));
        assertThat(Files.readAllBytes(root.resolve("f"))).isEqualTo(data);
    }

    /** The element takes the stream's digest: it does not hash the bytes again (a digest it could not compute shows it). */
    @Test
    void a_digested_stream_read_directly_lends_its_digest() throws Exception {
        byte[] data = random(700_001);
        Sha256 told = sha256(new byte[] {42});

        ContentWriter.Written written = ContentWriter.write(new Told(data, told, data.length), root.resolve("f"));

        assertThat(written.checksum()).isEqualTo(told);
        assertThat(written.size()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(root.resolve("f"))).isEqualTo(data);
    }

    /**
     * Where bytes can change between the digest and the element, the element hashes them itself: a stream wrapped
     * around a digested one hides its digest, so a changed byte shows as a checksum that is not the one sent.
     */
    @Test
    void a_stream_wrapped_around_a_digested_one_is_hashed_again_and_a_changed_byte_shows() throws Exception {
        byte[] data = random(300_000);
        HashingInputStream sent = new HashingInputStream(new ByteArrayInputStream(data), n -> { });
        InputStream flipping = new FilterInputStream(sent) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    b[off] ^= 1;
                }
                return n;
            }
        };

        ContentWriter.Written written = ContentWriter.write(flipping, root.resolve("f"));

        byte[] kept = Files.readAllBytes(root.resolve("f"));
        assertThat(written.checksum()).isEqualTo(sha256(kept)).isNotEqualTo(sent.digest());
    }

    @Test
    void a_digested_stream_whose_count_is_not_what_was_written_fails_the_store_and_leaves_nothing() {
        byte[] data = random(100_000);
        LocalStorageElement element = element();
        StoreRequest request = aStoreRequest().build();

        assertThatThrownBy(() -> element.store(request, new Told(data, sha256(data), data.length - 1)))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INTERNAL);
                    assertThat(e.code()).isEqualTo("storage_checksum_mismatch");
                });

        assertThat(element.stat(request.fileId())).isEmpty();
        assertThat(filesUnder(element.path())).isEmpty();
    }

    /** A transfer's hashing stream, read by the element: the stored and staged checksums are those of the bytes. */
    @Test
    void the_element_answers_with_the_checksum_of_what_it_kept_through_a_hashing_stream() throws Exception {
        byte[] data = random(2_500_000);
        LocalStorageElement element = element();
        StoreRequest request = aStoreRequest().build();

        FileAttributes staged = element.stage(request, new HashingInputStream(new ByteArrayInputStream(data), n -> { }));

        assertThat(staged.checksum()).isEqualTo(sha256(data));
        assertThat(staged.fileSize()).isEqualTo(data.length);
        assertThat(element.publishStaged(request.fileId()).checksum()).isEqualTo(sha256(data));
        try (InputStream back = element.open(request.fileId()).orElseThrow()) {
            assertThat(back.readAllBytes()).isEqualTo(data);
        }
    }

    /**
     * A compressed upload: the original is hashed on one thread, compressed on another, and the compressed bytes hashed
     * and written on the element's. The element keeps exactly the compressed bytes and answers with their digest.
     */
    @Test
    void a_compressed_pipeline_is_stored_with_the_digest_of_the_compressed_bytes() throws Exception {
        byte[] data = text(3_000_000);
        LocalStorageElement element = element();
        StoreRequest request = aStoreRequest().build();
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.of(new GzipCodec(1)), limits(),
                n -> { });

        FileAttributes stored;
        try (InputStream content = pipeline.stored()) {
            stored = element.store(request, content);
        }

        byte[] kept;
        try (InputStream back = element.open(request.fileId()).orElseThrow()) {
            kept = back.readAllBytes();
        }
        assertThat(pipeline.result().compressed()).isTrue();
        assertThat(stored.checksum()).isEqualTo(sha256(kept)).isEqualTo(pipeline.result().storedChecksum());
        assertThat(stored.fileSize()).isEqualTo(kept.length).isLessThan(data.length);
        assertThat(pipeline.result().originalChecksum()).isEqualTo(sha256(data));
        assertThat(new GzipCodec(1).decompressing(new ByteArrayInputStream(kept)).readAllBytes()).isEqualTo(data);
    }

    /** A codec that fails on its own thread half-way fails the store, and the element keeps nothing of it. */
    @Test
    void a_codec_failing_half_way_fails_the_store_and_leaves_nothing() throws Exception {
        LocalStorageElement element = element();
        StoreRequest request = aStoreRequest().build();
        Codec failing = new Codec() {
            private final Codec gzip = new GzipCodec(1);
            private int streams;

            @Override
            public CompressionAlgorithm algorithm() {
                return gzip.algorithm();
            }

            @Override
            public OutputStream compressing(OutputStream sink) throws IOException {
                OutputStream out = gzip.compressing(sink);
                if (++streams == 1) {
                    return out; // the probe
                }
                return new FilterOutputStream(out) {
                    private long written;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        written += len;
                        if (written > 1_000_000) {
                            throw new IOException("the codec broke");
                        }
                        out.write(b, off, len);
                    }
                };
            }

            @Override
            public InputStream decompressing(InputStream source) throws IOException {
                return gzip.decompressing(source);
            }
        };
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(text(3_000_000)), Optional.of(failing), limits(),
                n -> { });

        try (InputStream content = pipeline.stored()) {
            assertThatThrownBy(() -> element.store(request, content)).isInstanceOfSatisfying(IngestException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.INTERNAL);
                assertThat(e.code()).isEqualTo("content_unreadable");
                assertThat(e.getMessage()).contains("the codec broke");
            });
        }

        assertThat(element.stat(request.fileId())).isEmpty();
        assertThat(filesUnder(element.path())).isEmpty();
    }

    /** Past the early-writeback size the file is forced in the background while writing goes on; nothing is lost. */
    @Test
    void a_file_larger_than_the_writeback_step_is_written_whole() throws Exception {
        int size = 5 * ContentWriter.BLOCK_BYTES * 4 + 12_345;
        byte[] data = random(size);

        ContentWriter.Written written = ContentWriter.write(new HashingInputStream(new ByteArrayInputStream(data), n -> { }),
                root.resolve("f"), ContentWriter.BLOCK_BYTES);

        assertThat(written.size()).isEqualTo(size);
        assertThat(written.checksum()).isEqualTo(sha256(data));
        assertThat(Files.readAllBytes(root.resolve("f"))).isEqualTo(data);
    }

    private static ContentPipeline.Limits limits() {
        return new ContentPipeline.Limits(Long.MAX_VALUE, OptionalLong.empty(), Optional.empty());
    }

    private static byte[] text(int size) {
        byte[] line = "Storage elements keep documents for years.\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = line[i % line.length];
        }
        return data;
    }

    private LocalStorageElement element() {
        return LocalStorageElement.open(LocalStorageSettings.of(StorageElementId.of("local-edit"), Mode.EDIT,
                root.resolve("se"), 1), CLOCK);
    }

    /** Regular files under the element's folder, its lock file aside. */
    private static Stream<Path> filesUnderStream(Path base) throws IOException {
        return Files.walk(base).filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().equals(LocalStorageElement.LOCK_FILE));
    }

    private static java.util.List<Path> filesUnder(Path base) {
        try (Stream<Path> files = filesUnderStream(base)) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A digested stream that tells whatever digest and count it is given. */
    private static final class Told extends ByteArrayInputStream implements DigestedContent {
        private final Sha256 digest;
        private final long count;

        Told(byte[] data, Sha256 digest, long count) {
            super(data);
            this.digest = digest;
            this.count = count;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public Sha256 digest() {
            return digest;
        }
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private static Sha256 sha256(byte[] data) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
