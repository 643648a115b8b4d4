package io.artstore.ingester.storage.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.pipeline.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final int CHUNK = 1024;
    private final Keyring keyring = Keyring.of(Map.of("k1", key(1), "k2", key(2)), "k1");

    private static byte[] key(int seed) {
        byte[] bytes = new byte[32];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private byte[] encrypt(byte[] plain, int chunkSize) throws IOException {
        try (InputStream in = new EncryptingInputStream(new ByteArrayInputStream(plain), keyring.newFileKey(), chunkSize)) {
            return in.readAllBytes();
        }
    }

    private byte[] decrypt(byte[] sealed) throws IOException {
        try (InputStream in = DecryptingInputStream.of(new ByteArrayInputStream(sealed), keyring)) {
            return in.readAllBytes();
        }
    }

    private static int headerLength(byte[] sealed) throws IOException {
        return Envelope.read(new ByteArrayInputStream(sealed)).header().length;
    }

    @Test
    void a_file_of_many_chunks_comes_back_whole_and_the_envelope_holds_no_plaintext() throws IOException {
        for (int size : new int[] {1, CHUNK - 1, CHUNK, CHUNK + 1, 10 * CHUNK, 10 * CHUNK + 517}) {
            byte[] plain = random(size);
            byte[] sealed = encrypt(plain, CHUNK);

            int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK); // a full last chunk is the final one, no empty chunk after it
            assertThat(sealed.length).as("size " + size).isEqualTo(headerLength(sealed) + size + chunks * Envelope.TAG_BYTES);
            assertThat(decrypt(sealed)).as("size " + size).isEqualTo(plain);
        }
        byte[] text = "the same sentence again and again. ".repeat(5000).getBytes();
        byte[] sealed = encrypt(text, Envelope.DEFAULT_CHUNK_SIZE);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("the same sentence");
        assertThat(decrypt(sealed)).isEqualTo(text);
    }

    @Test
    void a_changed_byte_in_any_chunk_is_refused() throws IOException {
        byte[] sealed = encrypt(random(5 * CHUNK + 10), CHUNK);
        int start = headerLength(sealed);
        for (int chunk = 0; chunk < 6; chunk++) {
            byte[] tampered = sealed.clone();
            tampered[start + chunk * (CHUNK + 16) + 3] ^= 1;
            int which = chunk;
            assertThatThrownBy(() -> decrypt(tampered)).as("chunk " + which).isInstanceOf(EnvelopeException.class)
                    .hasMessageContaining("chunk " + chunk);
        }
    }

    @Test
    void a_truncated_envelope_is_refused_at_a_chunk_boundary_and_inside_a_chunk() throws IOException {
        byte[] sealed = encrypt(random(4 * CHUNK + 100), CHUNK);
        int start = headerLength(sealed);
        // Without its last chunk: the chunk now last was sealed as "not final".
        assertThatThrownBy(() -> decrypt(Arrays.copyOf(sealed, start + 4 * (CHUNK + 16))))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("chunk 3");
        assertThatThrownBy(() -> decrypt(Arrays.copyOf(sealed, sealed.length - 50))).isInstanceOf(EnvelopeException.class);
        assertThatThrownBy(() -> decrypt(Arrays.copyOf(sealed, start - 3))).isInstanceOf(EnvelopeException.class)
                .hasMessageContaining("header");
    }

    @Test
    void reordered_or_duplicated_chunks_are_refused() throws IOException {
        byte[] sealed = encrypt(random(4 * CHUNK + 100), CHUNK);
        int start = headerLength(sealed);
        int sealedChunk = CHUNK + 16;
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, start + sealedChunk, swapped, start + 2 * sealedChunk, sealedChunk);
        System.arraycopy(sealed, start + 2 * sealedChunk, swapped, start + sealedChunk, sealedChunk);
        assertThatThrownBy(() -> decrypt(swapped)).isInstanceOf(EnvelopeException.class).hasMessageContaining("chunk 1");

        byte[] duplicated = sealed.clone();
        System.arraycopy(sealed, start, duplicated, start + sealedChunk, sealedChunk);
        assertThatThrownBy(() -> decrypt(duplicated)).isInstanceOf(EnvelopeException.class).hasMessageContaining("chunk 1");
    }

    @Test
    void a_file_under_another_master_key_or_a_changed_header_is_refused() throws IOException {
        byte[] sealed = encrypt(random(3000), CHUNK);
        Keyring other = Keyring.of(Map.of("k1", key(9)), "k1");
        assertThatThrownBy(() -> DecryptingInputStream.of(new ByteArrayInputStream(sealed), other).readAllBytes())
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("does not unwrap");
        Keyring without = Keyring.of(Map.of("k2", key(2)), "k2");
        assertThatThrownBy(() -> DecryptingInputStream.of(new ByteArrayInputStream(sealed), without).readAllBytes())
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("'k1'");

        byte[] prefixChanged = sealed.clone();
        prefixChanged[9] ^= 1; // a byte of the nonce prefix: every chunk's nonce and associated data change
        assertThatThrownBy(() -> decrypt(prefixChanged)).isInstanceOf(EnvelopeException.class);
    }

    @Test
    void a_rotated_keyring_still_reads_files_wrapped_under_the_earlier_key() throws IOException {
        byte[] plain = random(2500);
        byte[] sealed = encrypt(plain, CHUNK);
        Keyring rotated = Keyring.of(Map.of("k1", key(1), "k2", key(2)), "k2");

        assertThat(DecryptingInputStream.of(new ByteArrayInputStream(sealed), rotated).readAllBytes()).isEqualTo(plain);
        assertThat(rotated.newFileKey().keyId()).isEqualTo("k2");
    }

    @Test
    void encryption_streams_one_chunk_at_a_time() throws IOException {
        CountingSource source = new CountingSource(20 * CHUNK);
        try (InputStream in = new EncryptingInputStream(source, keyring.newFileKey(), CHUNK)) {
            byte[] first = new byte[64];
            int n = in.readNBytes(first, 0, first.length);

            assertThat(n).isEqualTo(64);
            assertThat(source.served).as("bytes taken from the source before the first chunk is out").isLessThanOrEqualTo(CHUNK + 1);
        }
        byte[] sealed = encrypt(random(20 * CHUNK), CHUNK);
        CountingSource envelope = new CountingSource(sealed);
        try (InputStream in = DecryptingInputStream.of(envelope, keyring)) {
            assertThat(in.read()).isGreaterThanOrEqualTo(0);
            assertThat(envelope.served).isLessThanOrEqualTo(headerLength(sealed) + CHUNK + 16 + 1);
        }
    }

    @Test
    void the_verifying_stream_withholds_the_last_byte_of_a_wrong_file() throws Exception {
        byte[] plain = random(5000);
        Sha256 right = Sha256.of(MessageDigest.getInstance("SHA-256").digest(plain));
        assertThat(new VerifyingInputStream(new ByteArrayInputStream(plain), plain.length, right).readAllBytes()).isEqualTo(plain);

        byte[] wrong = plain.clone();
        wrong[4000] ^= 1;
        VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(wrong), plain.length, right);
        byte[] buffer = new byte[8192];
        int received = 0;
        Exception failure = null;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received += n;
            }
        } catch (VerifyingInputStream.ContentMismatchException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        assertThat(received).isLessThan(plain.length);
        assertThatThrownBy(() -> new VerifyingInputStream(new ByteArrayInputStream(plain), plain.length + 1, right).readAllBytes())
                .isInstanceOf(VerifyingInputStream.ContentMismatchException.class);
    }

    /** Serves bytes and counts how many were taken. */
    private static final class CountingSource extends InputStream {
        private final byte[] bytes;
        private int served;

        CountingSource(int size) {
            this(random(size));
        }

        CountingSource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return served < bytes.length ? bytes[served++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, Math.min(bytes.length - served, 256));
            System.arraycopy(bytes, served, b, off, n);
            served += n;
            return n;
        }
    }
}
