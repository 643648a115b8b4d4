package io.artstore.ingester.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.StoredContent;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** An original known to fit one read-ahead block is read on the reader's thread, with the same result. */
class ContentPipelineSmallBodyTest {

    private static final long MAX = 1L << 40;

    @Test
    void a_body_bounded_to_one_block_is_read_without_the_read_ahead_thread() throws Exception {
        byte[] data = ContentPipelineTest.randomBytes(4096);
        ThreadRecordingStream client = new ThreadRecordingStream(data);
        ContentPipeline pipeline = ContentPipeline.of(client, Optional.empty(),
                new ContentPipeline.Limits(MAX, OptionalLong.empty(), Optional.empty(), OptionalLong.of(4096 + 300)), n -> {});

        byte[] stored = pipeline.stored().readAllBytes();

        StoredContent result = pipeline.result();
        assertThat(stored).isEqualTo(data);
        assertThat(result.originalChecksum()).isEqualTo(ContentPipelineTest.sha256(data));
        assertThat(result.storedChecksum()).isEqualTo(ContentPipelineTest.sha256(data));
        assertThat(client.readers).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void a_declared_size_of_one_block_at_most_is_bound_enough() throws Exception {
        byte[] data = ContentPipelineTest.randomBytes(ReadAheadInputStream.BLOCK_BYTES);
        ThreadRecordingStream client = new ThreadRecordingStream(data);
        ContentPipeline pipeline = ContentPipeline.of(client, Optional.empty(),
                new ContentPipeline.Limits(MAX, OptionalLong.of(data.length), Optional.empty()), n -> {});

        assertThat(pipeline.stored().readAllBytes()).isEqualTo(data);
        assertThat(client.readers).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void a_body_that_may_be_larger_than_a_block_is_read_ahead() throws Exception {
        byte[] data = ContentPipelineTest.randomBytes(4096);
        ThreadRecordingStream client = new ThreadRecordingStream(data);
        ContentPipeline pipeline = ContentPipeline.of(client, Optional.empty(), new ContentPipeline.Limits(MAX,
                OptionalLong.empty(), Optional.empty(), OptionalLong.of(ReadAheadInputStream.BLOCK_BYTES + 1L)), n -> {});

        assertThat(pipeline.stored().readAllBytes()).isEqualTo(data);
        assertThat(client.readers).allMatch(name -> name.startsWith("upload-read-ahead-"));
    }

    /** Remembers the names of the threads that read it. */
    private static final class ThreadRecordingStream extends FilterInputStream {
        final Set<String> readers = ConcurrentHashMap.newKeySet();

        ThreadRecordingStream(byte[] data) {
            super(new ByteArrayInputStream(data));
        }

        @Override
        public int read() throws IOException {
            readers.add(Thread.currentThread().getName());
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            readers.add(Thread.currentThread().getName());
            return super.read(b, off, len);
        }
    }
}
