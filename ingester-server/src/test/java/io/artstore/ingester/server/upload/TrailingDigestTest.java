package io.artstore.ingester.server.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrailingDigestTest {

    private static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void a_fork_starts_from_every_block_handed_over_before_it_and_none_after() throws Exception {
        byte[] a = bytes(100_000, 1);
        byte[] b = bytes(70_001, 2);
        byte[] c = bytes(3, 3);
        TrailingDigest upload = TrailingDigest.sha256();
        upload.update(a, a.length, () -> {});
        TrailingDigest kept = upload.fork();
        upload.update(b, b.length, () -> {});
        TrailingDigest next = kept.fork();
        next.update(c, c.length, () -> {});

        assertThat(upload.snapshot().orElseThrow().digest()).isEqualTo(sha256(a, b));
        assertThat(kept.snapshot().orElseThrow().digest()).as("a fork is not changed by its parent").isEqualTo(sha256(a));
        assertThat(next.snapshot().orElseThrow().digest()).isEqualTo(sha256(a, c));
        // A snapshot is a copy: taking it changes nothing.
        assertThat(kept.snapshot().orElseThrow().digest()).isEqualTo(sha256(a));
    }

    @Test
    void blocks_are_hashed_in_the_order_handed_over_and_each_given_back_once_hashed() throws Exception {
        TrailingDigest digest = TrailingDigest.sha256();
        List<Integer> givenBack = Collections.synchronizedList(new ArrayList<>());
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 200; i++) {
            byte[] block = bytes(1 + i * 37, i);
            expected.update(block, 0, block.length - 1);
            int number = i;
            digest.update(block, block.length - 1, () -> givenBack.add(number));
        }
        assertThat(digest.snapshot().orElseThrow().digest()).isEqualTo(expected.digest());
        assertThat(givenBack).hasSize(200).isSorted();
    }

    @Test
    void a_step_that_fails_leaves_the_digest_unknown_and_the_queue_running() throws Exception {
        TrailingDigest digest = TrailingDigest.sha256();
        List<String> givenBack = Collections.synchronizedList(new ArrayList<>());
        byte[] block = bytes(10, 4);
        digest.update(block, block.length + 1, () -> givenBack.add("bad")); // past the array: the update throws
        digest.update(block, block.length, () -> givenBack.add("after"));

        assertThat(digest.snapshot()).as("the bytes are to be read back").isEmpty();
        assertThat(digest.fork().snapshot()).isEmpty();
        assertThat(givenBack).containsExactly("bad", "after");
    }
}
