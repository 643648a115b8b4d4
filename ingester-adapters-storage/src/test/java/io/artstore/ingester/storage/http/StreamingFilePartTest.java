package io.artstore.ingester.storage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Random;
import okhttp3.MediaType;
import okio.Buffer;
import org.junit.jupiter.api.Test;

class StreamingFilePartTest {

    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    /** Not the SHA-256 of anything sent here: a part that reports it took the content's digest. */
    private static final Sha256 CONTENTS_OWN = Sha256.parse("ab".repeat(32));

    /** Content that says what it handed out; {@code countSkew} makes it lie about how much. */
    private static final class Digested extends ByteArrayInputStream implements DigestedContent {
        private final long countSkew;
        private long handedOut;

        Digested(byte[] bytes, long countSkew) {
            super(bytes);
            this.countSkew = countSkew;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            handedOut += Math.max(n, 0);
            return n;
        }

        @Override
        public long count() {
            return handedOut + countSkew;
        }

        @Override
        public Sha256 digest() {
            return CONTENTS_OWN;
        }
    }

    @Test
    void streamed_content_that_knows_its_digest_is_sent_in_full_and_not_hashed_again() throws Exception {
        byte[] bytes = random(3 * StreamingFilePart.BLOCK + 17);
        StreamingFilePart part = StreamingFilePart.of(new Digested(bytes, 0), OCTETS);
        Buffer sent = new Buffer();

        part.writeTo(sent);

        assertThat(sent.readByteArray()).isEqualTo(bytes);
        assertThat(part.sentBytes()).isEqualTo(bytes.length);
        assertThat(part.checksum()).isEqualTo(CONTENTS_OWN);
    }

    @Test
    void content_that_handed_out_other_than_what_was_sent_fails_the_part_as_a_content_failure() {
        StreamingFilePart part = StreamingFilePart.of(new Digested(random(2 * StreamingFilePart.BLOCK + 1), 1), OCTETS);

        assertThatThrownBy(() -> part.writeTo(new Buffer())).isInstanceOf(IOException.class);

        assertThat(part.finished()).isFalse();
        assertThat(part.contentFailure()).get().isInstanceOfSatisfying(IngestException.class,
                failure -> assertThat(failure.code()).isEqualTo("storage_checksum_mismatch"));
        assertThatThrownBy(part::checksum).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void other_content_and_content_sent_whole_are_hashed_as_they_are_sent() throws Exception {
        byte[] streamed = random(2 * StreamingFilePart.BLOCK + 5);
        StreamingFilePart plain = StreamingFilePart.of(new ByteArrayInputStream(streamed), OCTETS);
        plain.writeTo(new Buffer());
        assertThat(plain.checksum()).isEqualTo(sha256(streamed));

        byte[] small = random(1_000);
        StreamingFilePart whole = StreamingFilePart.of(new Digested(small, 0), OCTETS);
        whole.writeTo(new Buffer());
        assertThat(whole.replayable()).isTrue();
        assertThat(whole.checksum()).isEqualTo(sha256(small));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static Sha256 sha256(byte[] bytes) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
