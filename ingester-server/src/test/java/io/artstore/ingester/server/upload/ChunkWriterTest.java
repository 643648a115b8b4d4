package io.artstore.ingester.server.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The staged file's writer thread: order, digests, early writeback, and a force that covers every byte handed over. */
class ChunkWriterTest {

    /** Records what reaches the file, in order. */
    private static class RecordingTarget implements ChunkWriter.Target {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void write(byte[] block, int length) throws IOException {
            synchronized (bytes) {
                bytes.write(block, 0, length);
            }
            events.add("write " + length);
        }

        @Override
        public void force() throws IOException {
            events.add("force " + size());
        }

        @Override
        public void truncate(long offset) {
            synchronized (bytes) {
                byte[] kept = bytes.toByteArray();
                bytes.reset();
                bytes.write(kept, 0, (int) offset);
            }
            events.add("truncate " + offset);
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }
    }

    @Test
    void every_byte_is_written_in_order_and_hashed_and_the_force_comes_after_the_last_write() throws Exception {
        RecordingTarget target = new RecordingTarget();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] content = new byte[1_000_003];
        new Random(7).nextBytes(content);
        // Small blocks and writeback every 100,000 bytes: many blocks, many early forces.
        try (ChunkWriter writer = new ChunkWriter(target, List.of(digest), Optional.empty(), 64 * 1024, 3, 100_000)) {
            int at = 0;
            Random sizes = new Random(11);
            while (at < content.length) {
                byte[] block = writer.block();
                int n = Math.min(content.length - at, 1 + sizes.nextInt(block.length));
                System.arraycopy(content, at, block, 0, n);
                writer.write(block, n);
                at += n;
            }
            writer.force();
            // Drained and forced: the digest and the file are of every byte handed over, nothing more, nothing less.
            assertThat(target.bytes.toByteArray()).isEqualTo(content);
            assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
            List<String> events = List.copyOf(target.events);
            assertThat(events.get(events.size() - 1)).isEqualTo("force " + content.length);
            assertThat(events.stream().filter(e -> e.startsWith("force")).count()).as("early forces: " + events)
                    .isGreaterThan(1);
        }
    }

    @Test
    void a_block_is_hashed_while_it_is_written() throws Exception {
        // The write waits until the digest has seen its block: done one after the other, it would wait in vain.
        CountDownLatch hashed = new CountDownLatch(1);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        MessageDigest digest = new MessageDigest("SHA-256") {
            @Override
            protected void engineUpdate(byte input) {
                sha256.update(input);
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                sha256.update(input, offset, len);
                hashed.countDown();
            }

            @Override
            protected byte[] engineDigest() {
                return sha256.digest();
            }

            @Override
            protected void engineReset() {
                sha256.reset();
            }
        };
        RecordingTarget target = new RecordingTarget() {
            @Override
            public void write(byte[] block, int length) throws IOException {
                try {
                    if (!hashed.await(5, TimeUnit.SECONDS)) {
                        throw new IOException("the block was not hashed while it was written");
                    }
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                super.write(block, length);
            }
        };
        byte[] content = new byte[1000];
        new Random(3).nextBytes(content);
        try (ChunkWriter writer = new ChunkWriter(target, List.of(digest), Optional.empty(), 4096, 2, Long.MAX_VALUE)) {
            byte[] block = writer.block();
            System.arraycopy(content, 0, block, 0, content.length);
            writer.write(block, content.length);
            writer.force();
        }

        assertThat(target.bytes.toByteArray()).isEqualTo(content);
        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void a_force_waits_for_a_write_still_under_way() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget() {
            @Override
            public void write(byte[] block, int length) throws IOException {
                writing.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.write(block, length);
            }
        };
        try (ChunkWriter writer = new ChunkWriter(target, List.of(), Optional.empty(), 1024, 2, Long.MAX_VALUE)) {
            byte[] block = writer.block();
            writer.write(block, 1000);
            assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> force = CompletableFuture.runAsync(() -> {
                try {
                    writer.force();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // A force that did not wait would have reached the file by now, before the bytes.
            assertThatThrownBy(() -> force.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(target.events).isEmpty();
            release.countDown();
            force.get(20, TimeUnit.SECONDS);
            assertThat(target.events).containsExactly("write 1000", "force 1000");
        }
    }

    @Test
    void a_failed_write_fails_the_force_and_a_waiting_block_request_instead_of_hanging() throws Exception {
        RecordingTarget target = new RecordingTarget() {
            @Override
            public void write(byte[] block, int length) throws IOException {
                throw new IOException("disk full");
            }
        };
        try (ChunkWriter writer = new ChunkWriter(target, List.of(), Optional.empty(), 1024, 1, Long.MAX_VALUE)) {
            writer.write(writer.block(), 10);
            // The only block is lost with the failed write: asking for another must fail, not wait forever.
            assertThatThrownBy(writer::block).isInstanceOf(IOException.class).hasMessageContaining("disk full");
            assertThatThrownBy(writer::force).isInstanceOf(IOException.class).hasMessageContaining("disk full");
            assertThat(target.events).isEmpty();
        }
    }

    @Test
    void a_failed_early_force_fails_the_force_after_it_even_when_that_one_succeeds() throws Exception {
        CountDownLatch earlyForceFailed = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget() {
            @Override
            public void force() throws IOException {
                if (earlyForceFailed.getCount() > 0) {
                    earlyForceFailed.countDown();
                    throw new IOException("EIO on writeback");
                }
                super.force();
            }
        };
        try (ChunkWriter writer = new ChunkWriter(target, List.of(), Optional.empty(), 1024, 2, 1000)) {
            writer.write(writer.block(), 1024);
            assertThat(earlyForceFailed.await(20, TimeUnit.SECONDS)).isTrue();
            // The file's next fdatasync may not see the error again: the bytes cannot be taken for durable.
            assertThatThrownBy(writer::force).isInstanceOf(IOException.class).hasMessageContaining("EIO on writeback");
        }
    }

    /** An early force already under way when the request forces: its failure must reach the request, not be dropped. */
    @Test
    void a_force_waits_for_a_failing_early_force_under_way_and_reports_its_failure() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingTarget target = new RecordingTarget() {
            @Override
            public void force() throws IOException {
                if (entered.getCount() > 0) {
                    entered.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("EIO on writeback");
                }
                super.force();
            }
        };
        try (ChunkWriter writer = new ChunkWriter(target, List.of(), Optional.empty(), 1024, 2, 1000)) {
            writer.write(writer.block(), 1024);
            assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> forced = CompletableFuture.runAsync(() -> {
                try {
                    writer.force();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // It must not return while the early force runs: what that one writes is not durable until it ends.
            assertThatThrownBy(() -> forced.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            release.countDown();
            assertThatThrownBy(() -> forced.get(20, TimeUnit.SECONDS)).hasRootCauseMessage("EIO on writeback");
        }
    }

    @Test
    void a_truncate_drops_what_was_handed_over_past_the_offset_only_once_it_was_written() throws Exception {
        RecordingTarget target = new RecordingTarget();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (ChunkWriter writer = new ChunkWriter(target, List.of(digest), Optional.empty(), 1024, 2, Long.MAX_VALUE)) {
            for (int i = 0; i < 5; i++) {
                writer.write(writer.block(), 1024);
            }
            writer.truncate(2048);
            assertThat(target.size()).isEqualTo(2048);
            assertThat(target.events).endsWith("truncate 2048");
        }
    }

    /**
     * The upload's digest trails the writes: a force returns while it still hashes, and a block's buffer is handed out
     * again only once hashed, so a digest that falls behind holds the request back instead of growing without bound.
     */
    @Test
    void a_force_does_not_wait_for_the_trailing_digest_whose_blocks_come_back_only_once_hashed() throws Exception {
        RecordingTarget target = new RecordingTarget();
        TrailingDigest trailing = TrailingDigest.sha256();
        CountDownLatch gate = new CountDownLatch(1);
        trailing.update(new byte[0], 0, () -> {
            try {
                gate.await(20, TimeUnit.SECONDS); // holds the digest's queue: nothing after it is hashed yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] content = new byte[2048];
        new Random(5).nextBytes(content);
        try (ChunkWriter writer = new ChunkWriter(target, List.of(), Optional.of(trailing), 1024, 2, Long.MAX_VALUE)) {
            for (int at = 0; at < content.length; at += 1024) {
                byte[] block = writer.block();
                System.arraycopy(content, at, block, 0, 1024);
                writer.write(block, 1024);
            }
            writer.force();
            assertThat(target.bytes.toByteArray()).isEqualTo(content);
            CompletableFuture<byte[]> third = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.block();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Both blocks are written but not hashed: the digest still reads them.
            assertThatThrownBy(() -> third.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            gate.countDown();
            assertThat(third.get(20, TimeUnit.SECONDS)).hasSize(1024);
        }
        assertThat(trailing.snapshot().orElseThrow().digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
