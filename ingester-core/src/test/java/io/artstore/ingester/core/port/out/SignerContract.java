package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.pipeline.SigningInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Signer} promises, checked with a {@link SignatureVerifier} that understands its
 * signatures. Extend it for each implementation.
 */
public abstract class SignerContract {

    protected abstract Signer signer();

    protected abstract SignatureVerifier verifier();

    protected static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    protected static DetachedSignature signStreamed(Signer signer, byte[] content) {
        Signing signing = signer.begin(FileId.random());
        try (InputStream in = new SigningInputStream(new ByteArrayInputStream(content), signing)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return signing.sign();
    }

    private VerificationResult verify(DetachedSignature signature, byte[] content) {
        return verifier().verify(signature.der(), new ByteArrayInputStream(content));
    }

    @Test
    void a_signature_of_streamed_content_verifies_and_names_the_signers_algorithm_and_certificate() {
        Signer signer = signer();
        byte[] content = content(100_000);

        DetachedSignature signature = signStreamed(signer, content);
        VerificationResult result = verify(signature, content);

        assertThat(result.validFor(signature.certificateFingerprint())).as("%s", result.reason()).isTrue();
        assertThat(signature.algorithm()).isEqualTo(signer.algorithm());
        assertThat(result.algorithm()).contains(signer.algorithm());
    }

    @Test
    void other_content_does_not_verify() {
        byte[] content = content(1000);
        DetachedSignature signature = signStreamed(signer(), content);
        content[500] ^= 1;

        VerificationResult result = verify(signature, content);

        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).isPresent();
    }

    @Test
    void content_fed_in_pieces_signs_like_content_fed_at_once() {
        Signer signer = signer();
        byte[] content = content(10_000);
        Signing pieces = signer.begin();
        for (int off = 0; off < content.length; off += 333) {
            pieces.update(content, off, Math.min(333, content.length - off));
        }

        assertThat(verify(pieces.sign(), content).valid()).isTrue();
    }

    @Test
    void concurrent_signings_do_not_mix_their_content() {
        Signer signer = signer();
        byte[] first = content(2000);
        byte[] second = content(3000);
        Signing a = signer.begin();
        Signing b = signer.begin();

        a.update(first, 0, 1000);
        b.update(second, 0, 3000);
        a.update(first, 1000, 1000);

        assertThat(verify(a.sign(), first).valid()).isTrue();
        assertThat(verify(b.sign(), second).valid()).isTrue();
    }

    @Test
    void a_signing_signs_once_and_takes_no_bytes_after() {
        Signing signing = signer().begin();
        signing.update(new byte[] {1}, 0, 1);
        signing.sign();

        assertThatThrownBy(signing::sign).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> signing.update(new byte[] {2}, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void garbage_is_an_invalid_result_not_an_exception() {
        VerificationResult result = verifier().verify(new byte[] {0x30, 0x03, 1, 2, 3}, new ByteArrayInputStream(content(10)));

        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).isPresent();
    }
}
