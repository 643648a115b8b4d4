package io.artstore.ingester.server.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload's digest taken behind its acknowledgements, from the staged file. */
class StagedDigestTest {

    @TempDir
    Path folder;

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes, int length) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, length));
    }

    @Test
    void the_digest_follows_each_acknowledgement_and_reaches_the_whole_file() throws Exception {
        byte[] content = random(3_000_001);
        Path file = folder.resolve("u.bin");
        try (StagedDigest digest = new StagedDigest(file)) {
            int acknowledged = 0;
            for (int end : new int[] {700_000, 1_500_000, 3_000_001}) {
                // As a PATCH does: the bytes are written (and forced), then acknowledged.
                Files.write(file, Arrays.copyOfRange(content, acknowledged, end), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                digest.acknowledged(end);
                acknowledged = end;
            }

            StagedDigest.Progress progress = digest.progressUpTo(content.length);

            assertThat(progress.offset()).isEqualTo(content.length);
            assertThat(progress.digest().digest()).isEqualTo(sha256(content, content.length));
        }
    }

    @Test
    void bytes_past_the_acknowledged_offset_are_not_hashed_and_the_progress_says_how_far_it_got() throws Exception {
        byte[] content = random(1_000_000);
        Path file = folder.resolve("u.bin");
        // A request wrote all of it, but only the first 400,000 bytes were acknowledged.
        Files.write(file, content);
        try (StagedDigest digest = new StagedDigest(file)) {
            digest.acknowledged(400_000);

            StagedDigest.Progress progress = digest.progressUpTo(1_000_000);

            assertThat(progress.offset()).isEqualTo(400_000);
            assertThat(progress.digest().digest()).isEqualTo(sha256(content, 400_000));
        }
    }

    @Test
    void a_staged_file_shorter_than_its_acknowledged_offset_stops_the_digest_without_a_wait() throws Exception {
        byte[] content = random(100_000);
        Path file = folder.resolve("u.bin");
        Files.write(file, content);
        try (StagedDigest digest = new StagedDigest(file)) {
            digest.acknowledged(250_000);

            StagedDigest.Progress progress = digest.progressUpTo(250_000);

            // Completion reads the rest itself, and finds the file short.
            assertThat(progress.offset()).isEqualTo(100_000);
            assertThat(progress.digest().digest()).isEqualTo(sha256(content, 100_000));
        }
    }

    @Test
    void each_progress_is_a_copy_that_the_digest_going_on_does_not_change() throws Exception {
        byte[] content = random(500_000);
        Path file = folder.resolve("u.bin");
        Files.write(file, content);
        try (StagedDigest digest = new StagedDigest(file)) {
            digest.acknowledged(200_000);
            StagedDigest.Progress first = digest.progressUpTo(200_000);
            digest.acknowledged(500_000);
            StagedDigest.Progress whole = digest.progressUpTo(500_000);

            assertThat(first.digest().digest()).isEqualTo(sha256(content, 200_000));
            assertThat(whole.digest().digest()).isEqualTo(sha256(content, 500_000));
        }
    }
}
