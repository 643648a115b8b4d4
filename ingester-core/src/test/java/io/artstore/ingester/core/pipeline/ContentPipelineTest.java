package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.testing.TrickleInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentPipelineTest {

    private static final long MAX = 1L << 40;

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 65_535, 65_536, 65_537, 1_000_000})
    void digests_and_sizes_of_an_uncompressed_file(int size) throws Exception {
        byte[] data = randomBytes(size);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.empty(), limits(), n -> {});

        byte[] stored = pipeline.stored().readAllBytes();

        StoredContent result = pipeline.result();
        assertThat(stored).isEqualTo(data);
        assertThat(result.originalSize()).isEqualTo(size);
        assertThat(result.storedSize()).isEqualTo(size);
        assertThat(result.originalChecksum()).isEqualTo(sha256(data));
        assertThat(result.storedChecksum()).isEqualTo(sha256(data));
        assertThat(result.compressed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 65_535, 65_536, 65_537, 3_000_000})
    void gzip_stores_bytes_that_decompress_to_the_original(int size) throws Exception {
        byte[] data = text(size);
        Codec gzip = new GzipCodec(1);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.of(gzip), limits(), n -> {});

        byte[] stored = pipeline.stored().readAllBytes();

        StoredContent result = pipeline.result();
        assertThat(gzip.decompressing(new ByteArrayInputStream(stored)).readAllBytes()).isEqualTo(data);
        assertThat(result.originalChecksum()).isEqualTo(sha256(data));
        assertThat(result.storedChecksum()).isEqualTo(sha256(stored));
        assertThat(result.storedSize()).isEqualTo(stored.length);
        assertThat(result.compression()).contains(CompressionAlgorithm.GZIP);
        assertThat(result.requestedCompression()).contains(CompressionAlgorithm.GZIP);
        assertThat(result.compressionSkipped()).isEmpty();
        assertThat(result.compressionRatio()).isLessThan(0.5);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 65_535, 65_536, 65_537, 1_000_000})
    void random_data_asked_to_be_compressed_is_stored_as_it_is_and_says_why(int size) throws Exception {
        byte[] data = randomBytes(size);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.of(new GzipCodec(1)),
                limits(), n -> {});

        byte[] stored = pipeline.stored().readAllBytes();

        StoredContent result = pipeline.result();
        assertThat(stored).isEqualTo(data);
        assertThat(result.compression()).isEmpty();
        assertThat(result.requestedCompression()).contains(CompressionAlgorithm.GZIP);
        assertThat(result.compressionSkipped()).contains("incompressible");
        assertThat(result.storedSize()).isEqualTo(size);
        assertThat(result.originalChecksum()).isEqualTo(sha256(data));
        assertThat(result.storedChecksum()).isEqualTo(sha256(data));
    }

    @Test
    void the_first_block_decides_for_the_whole_file() throws Exception {
        // text first, random after: the probe sees text, so the file is compressed (and stays correct)
        byte[] data = new byte[StoredStream.PROBE_BYTES + 500_000];
        System.arraycopy(text(StoredStream.PROBE_BYTES), 0, data, 0, StoredStream.PROBE_BYTES);
        System.arraycopy(randomBytes(500_000), 0, data, StoredStream.PROBE_BYTES, 500_000);
        Codec gzip = new GzipCodec(1);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.of(gzip), limits(), n -> {});

        byte[] stored = pipeline.stored().readAllBytes();

        assertThat(pipeline.result().compression()).contains(CompressionAlgorithm.GZIP);
        assertThat(gzip.decompressing(new ByteArrayInputStream(stored)).readAllBytes()).isEqualTo(data);
        assertThat(pipeline.result().storedChecksum()).isEqualTo(sha256(stored));
    }

    /**
     * The digests are taken once, on the way: whatever the reader's block size and however the client's stream
     * splits its reads, they equal digests taken over the whole data afterwards.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8_192, 100_000, 1 << 20})
    void single_pass_digests_equal_digests_of_the_whole_data_for_any_read_size(int readSize) throws Exception {
        byte[] random = randomBytes(200_001);
        byte[] text = text(200_001);
        for (Optional<Codec> codec : List.<Optional<Codec>>of(Optional.empty(), Optional.of(new GzipCodec(1)))) {
            for (byte[] data : List.of(random, text)) {
                ContentPipeline pipeline = ContentPipeline.of(new TrickleInputStream(data, 3_333), codec, limits(), n -> {});
                java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
                byte[] buffer = new byte[readSize];
                for (int n; (n = pipeline.stored().read(buffer, 0, readSize)) >= 0; ) {
                    stored.write(buffer, 0, n);
                }

                StoredContent result = pipeline.result();
                assertThat(result.originalChecksum()).isEqualTo(sha256(data));
                assertThat(result.originalSize()).isEqualTo(data.length);
                assertThat(result.storedChecksum()).isEqualTo(sha256(stored.toByteArray()));
                assertThat(result.storedSize()).isEqualTo(stored.size());
                byte[] back = result.compressed()
                        ? codec.orElseThrow().decompressing(new ByteArrayInputStream(stored.toByteArray())).readAllBytes()
                        : stored.toByteArray();
                assertThat(back).isEqualTo(data);
            }
        }
    }

    /**
     * A storage element that writes the stored stream's bytes unchanged answers with the stream's own digest instead
     * of hashing them again: that digest must be the SHA-256 of exactly what the reader received, on every path
     * (as it is, compressed, probed and found incompressible, a file within the probe) and for any read size.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 65_536, 300_000})
    void the_stored_stream_knows_the_digest_of_the_bytes_its_reader_received(int readSize) throws Exception {
        for (Optional<Codec> codec : List.<Optional<Codec>>of(Optional.empty(), Optional.of(new GzipCodec(1)))) {
            for (byte[] data : List.of(randomBytes(200_001), text(200_001), text(1_000), randomBytes(1_000))) {
                ContentPipeline pipeline = ContentPipeline.of(new TrickleInputStream(data, 3_333), codec, limits(), n -> {});
                InputStream stored = pipeline.stored();
                assertThat(stored).isInstanceOf(io.artstore.ingester.core.port.out.DigestedContent.class);
                io.artstore.ingester.core.port.out.DigestedContent digested =
                        (io.artstore.ingester.core.port.out.DigestedContent) stored;
                java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
                byte[] buffer = new byte[readSize];
                int n = stored.read(buffer, 0, readSize);
                received.write(buffer, 0, n);
                assertThatThrownBy(digested::digest).isInstanceOf(IllegalStateException.class);
                while ((n = stored.read(buffer, 0, readSize)) >= 0) {
                    received.write(buffer, 0, n);
                }

                assertThat(digested.count()).isEqualTo(received.size());
                assertThat(digested.digest()).isEqualTo(sha256(received.toByteArray()));
                assertThat(digested.digest()).isEqualTo(pipeline.result().storedChecksum());
            }
        }
    }

    /**
     * The codec has a thread of its own: neither the reader's (which hashes and stores the compressed bytes) nor the
     * one that receives and hashes the original. Both digests are still those of the bytes each side saw.
     */
    @Test
    void the_codec_compresses_on_a_thread_of_its_own_and_both_digests_are_right() throws Exception {
        // More than the read-ahead holds ahead of the codec, so that receiving is still under way when compressing
        // starts: read-ahead threads are pooled, and one that finished receiving could otherwise run the codec next.
        byte[] data = text(3 * ReadAheadInputStream.CODEC_BLOCKS * ReadAheadInputStream.BLOCK_BYTES);
        RecordingCodec codec = new RecordingCodec(new GzipCodec(1), Integer.MAX_VALUE);
        Set<Thread> clientThreads = ConcurrentHashMap.newKeySet();
        InputStream client = new java.io.FilterInputStream(new TrickleInputStream(data, 70_000)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                clientThreads.add(Thread.currentThread());
                return super.read(b, off, len);
            }
        };
        ContentPipeline pipeline = ContentPipeline.of(client, Optional.of(codec), limits(), n -> {});

        byte[] stored;
        try (InputStream in = pipeline.stored()) {
            stored = in.readAllBytes();
        }

        StoredContent result = pipeline.result();
        assertThat(result.compression()).contains(CompressionAlgorithm.GZIP);
        assertThat(result.originalChecksum()).isEqualTo(sha256(data));
        assertThat(result.storedChecksum()).isEqualTo(sha256(stored));
        assertThat(((io.artstore.ingester.core.port.out.DigestedContent) pipeline.stored()).digest()).isEqualTo(sha256(stored));
        assertThat(new GzipCodec(1).decompressing(new ByteArrayInputStream(stored)).readAllBytes()).isEqualTo(data);
        // the probe compresses its block on the reader's thread; the whole file is compressed elsewhere
        assertThat(codec.streams()).hasSize(2);
        Set<Thread> compressing = codec.streams().get(1);
        assertThat(compressing).isNotEmpty().doesNotContain(Thread.currentThread());
        assertThat(clientThreads).isNotEmpty().doesNotContain(Thread.currentThread());
        assertThat(compressing).doesNotContainAnyElementsOf(clientThreads);
        assertThat(pipeline.timings().compress()).isPositive();
    }

    /**
     * Past the probe, the codec compresses the very arrays the original was received into (the read-ahead's blocks):
     * its thread copies no input byte before compressing it.
     */
    @Test
    void the_codec_compresses_the_read_ahead_blocks_without_copying_them() throws Exception {
        byte[] data = text(3_000_000);
        Set<byte[]> receivedInto = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        InputStream client = new java.io.FilterInputStream(new TrickleInputStream(data, 70_000)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                receivedInto.add(b);
                return super.read(b, off, len);
            }
        };
        List<List<byte[]>> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        Codec gzip = new GzipCodec(1);
        Codec recording = new Codec() {
            @Override
            public CompressionAlgorithm algorithm() {
                return gzip.algorithm();
            }

            @Override
            public java.io.OutputStream compressing(java.io.OutputStream sink) throws IOException {
                List<byte[]> arrays = new java.util.concurrent.CopyOnWriteArrayList<>();
                writes.add(arrays);
                int stream = written.size();
                written.add(0L);
                java.io.OutputStream out = gzip.compressing(sink);
                return new java.io.FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        arrays.add(b);
                        written.set(stream, written.get(stream) + len);
                        out.write(b, off, len);
                    }
                };
            }

            @Override
            public InputStream decompressing(InputStream source) throws IOException {
                return gzip.decompressing(source);
            }
        };
        ContentPipeline pipeline = ContentPipeline.of(client, Optional.of(recording), limits(), n -> {});

        byte[] stored;
        try (InputStream in = pipeline.stored()) {
            stored = in.readAllBytes();
        }

        assertThat(gzip.decompressing(new ByteArrayInputStream(stored)).readAllBytes()).isEqualTo(data);
        assertThat(pipeline.result().storedChecksum()).isEqualTo(sha256(stored));
        // stream 0 is the probe's; stream 1 compresses the probe's block first, then the rest as it was received
        assertThat(writes).hasSize(2);
        assertThat(written.get(1)).isEqualTo(data.length);
        List<byte[]> rest = writes.get(1).subList(1, writes.get(1).size());
        assertThat(rest).isNotEmpty().allSatisfy(array -> assertThat(receivedInto).contains(array));
    }

    @Test
    void a_codec_that_fails_on_its_thread_fails_the_stored_stream_with_its_error() throws Exception {
        RecordingCodec codec = new RecordingCodec(new GzipCodec(1), 3);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(text(3_000_000)), Optional.of(codec),
                limits(), n -> {});
        InputStream stored = pipeline.stored();

        assertThatThrownBy(() -> stored.transferTo(OutputStreamSink.INSTANCE)).isInstanceOf(IOException.class)
                .hasMessage("the codec broke");
        stored.close();
        assertThatThrownBy(pipeline::result).isInstanceOf(IllegalStateException.class);
    }

    /** A failure of the original's checks, found on the read-ahead thread, passes through the codec's thread unchanged. */
    @Test
    void a_wrong_checksum_of_a_compressed_file_fails_the_stored_stream() throws Exception {
        byte[] data = text(3_000_000);
        Sha256 wrong = sha256("other".getBytes(StandardCharsets.UTF_8));
        ContentPipeline pipeline = ContentPipeline.of(new TrickleInputStream(data, 70_000), Optional.of(new GzipCodec(1)),
                new ContentPipeline.Limits(MAX, OptionalLong.empty(), Optional.of(wrong)), n -> {});

        assertFailure(pipeline, Kind.CONTENT_MISMATCH, "checksum_mismatch");
    }

    /** Closing the stored stream half-way stops both threads: the client's stream is closed and read no more. */
    @Test
    void closing_a_compressed_stream_half_way_lets_go_of_the_client() throws Exception {
        AtomicInteger readsAfterClose = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        InputStream client = new java.io.FilterInputStream(new TrickleInputStream(text(20_000_000), 70_000)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (closed.get()) {
                    readsAfterClose.incrementAndGet();
                }
                return super.read(b, off, len);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        ContentPipeline pipeline = ContentPipeline.of(client, Optional.of(new GzipCodec(1)), limits(), n -> {});
        InputStream stored = pipeline.stored();
        byte[] buffer = new byte[10_000];
        assertThat(stored.read(buffer)).isPositive();

        stored.close();

        assertThat(closed).isTrue();
        assertThat(readsAfterClose).hasValue(0);
    }

    @Test
    void single_bytes_pass_through_the_same_checks_as_blocks() throws Exception {
        byte[] data = text(70_000);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.empty(), limits(), n -> {});
        InputStream stored = pipeline.stored();
        java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
        for (int b; (b = stored.read()) >= 0; ) {
            copy.write(b);
        }

        assertThat(copy.toByteArray()).isEqualTo(data);
        assertThat(pipeline.result().storedChecksum()).isEqualTo(sha256(data));
    }

    @Test
    void the_listener_sees_every_stored_byte_count_up_to_the_total() throws Exception {
        List<Long> seen = new ArrayList<>();
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(randomBytes(200_000)), Optional.empty(),
                limits(), seen::add);

        pipeline.stored().transferTo(OutputStreamSink.INSTANCE);

        assertThat(seen).isSorted().last().isEqualTo(200_000L);
    }

    @Test
    void a_file_over_the_maximum_is_cut_off_with_413() {
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(randomBytes(1000)), Optional.empty(),
                new ContentPipeline.Limits(999, OptionalLong.empty(), Optional.empty()), n -> {});

        assertFailure(pipeline, Kind.TOO_LARGE, "file_too_large");
    }

    @Test
    void more_bytes_than_declared_is_a_size_mismatch() {
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(randomBytes(1000)), Optional.empty(),
                new ContentPipeline.Limits(MAX, OptionalLong.of(10), Optional.empty()), n -> {});

        assertFailure(pipeline, Kind.CONTENT_MISMATCH, "size_mismatch");
    }

    @Test
    void fewer_bytes_than_declared_is_a_size_mismatch_at_the_end() {
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(randomBytes(1000)), Optional.empty(),
                new ContentPipeline.Limits(MAX, OptionalLong.of(1001), Optional.empty()), n -> {});

        assertFailure(pipeline, Kind.CONTENT_MISMATCH, "size_mismatch");
    }

    @Test
    void a_wrong_checksum_fails_before_the_stream_reports_its_end() throws Exception {
        byte[] data = randomBytes(1000);
        Sha256 wrong = sha256("other".getBytes(StandardCharsets.UTF_8));
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.of(new GzipCodec(1)),
                new ContentPipeline.Limits(MAX, OptionalLong.empty(), Optional.of(wrong)), n -> {});

        assertFailure(pipeline, Kind.CONTENT_MISMATCH, "checksum_mismatch");
    }

    /** Uncompressed and larger than a block: read ahead on one thread, hashed and checked on the reader's. */
    @Test
    void a_wrong_checksum_of_an_uncompressed_file_of_many_blocks_fails_before_the_stream_reports_its_end() throws Exception {
        byte[] data = randomBytes(5 * ReadAheadInputStream.BLOCK_BYTES + 17);
        Sha256 wrong = sha256("other".getBytes(StandardCharsets.UTF_8));
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.empty(),
                new ContentPipeline.Limits(MAX, OptionalLong.empty(), Optional.of(wrong)), n -> {});

        assertFailure(pipeline, Kind.CONTENT_MISMATCH, "checksum_mismatch");
    }

    @Test
    void the_right_checksum_passes() throws Exception {
        byte[] data = randomBytes(1000);
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(data), Optional.empty(),
                new ContentPipeline.Limits(MAX, OptionalLong.of(1000), Optional.of(sha256(data))), n -> {});

        assertThat(pipeline.stored().readAllBytes()).isEqualTo(data);
    }

    @Test
    void an_empty_file_is_refused() {
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(new byte[0]), Optional.empty(), limits(), n -> {});

        assertFailure(pipeline, Kind.INVALID_REQUEST, "empty_file");
    }

    @Test
    void a_client_that_goes_away_is_reported_as_interrupted() {
        InputStream broken = new InputStream() {
            private int left = 5000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };
        ContentPipeline pipeline = ContentPipeline.of(broken, Optional.empty(), limits(), n -> {});

        assertFailure(pipeline, Kind.CLIENT_ABORTED, "upload_interrupted");
    }

    @Test
    void a_listener_may_cut_the_upload_off() {
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(randomBytes(300_000)), Optional.empty(),
                limits(), n -> {
                    if (n > 100_000) {
                        throw new IngestException(Kind.INSUFFICIENT_STORAGE, "insufficient_storage", "full");
                    }
                });

        assertFailure(pipeline, Kind.INSUFFICIENT_STORAGE, "insufficient_storage");
    }

    @Test
    void the_result_is_not_available_before_the_end() {
        ContentPipeline pipeline = ContentPipeline.of(new ByteArrayInputStream(randomBytes(10)), Optional.empty(), limits(), n -> {});

        assertThatThrownBy(pipeline::result).isInstanceOf(IllegalStateException.class);
    }

    private static void assertFailure(ContentPipeline pipeline, Kind kind, String code) {
        assertThatThrownBy(() -> pipeline.stored().transferTo(OutputStreamSink.INSTANCE))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    private static ContentPipeline.Limits limits() {
        return new ContentPipeline.Limits(MAX, OptionalLong.empty(), Optional.empty());
    }

    static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    static byte[] text(int size) {
        byte[] line = "ArtStore keeps documents for years on storage elements.\n".getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = line[i % line.length];
        }
        return data;
    }

    static Sha256 sha256(byte[] data) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Remembers the threads each of its compressing streams wrote on; fails a stream at its {@code failAt}-th write. */
    private static final class RecordingCodec implements Codec {
        private final Codec codec;
        private final int failAt;
        private final List<Set<Thread>> streams = new java.util.concurrent.CopyOnWriteArrayList<>();

        RecordingCodec(Codec codec, int failAt) {
            this.codec = codec;
            this.failAt = failAt;
        }

        List<Set<Thread>> streams() {
            return streams;
        }

        @Override
        public CompressionAlgorithm algorithm() {
            return codec.algorithm();
        }

        @Override
        public java.io.OutputStream compressing(java.io.OutputStream sink) throws IOException {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            streams.add(threads);
            java.io.OutputStream out = codec.compressing(sink);
            return new java.io.FilterOutputStream(out) {
                private int writes;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    threads.add(Thread.currentThread());
                    if (++writes >= failAt) {
                        throw new IOException("the codec broke");
                    }
                    out.write(b, off, len);
                }
            };
        }

        @Override
        public InputStream decompressing(InputStream source) throws IOException {
            return codec.decompressing(source);
        }
    }

    private enum OutputStreamSink {
        ;
        static final java.io.OutputStream INSTANCE = java.io.OutputStream.nullOutputStream();
    }
}
