package io.artstore.ingester.storage.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * How a line of the audit log is sealed. A line is a compact JSON object whose last field is its {@code hash}: the
 * SHA-256 of the line's bytes without that field. A checkpoint also has a {@code signature} field just before the
 * hash: the Ed25519 signature of the line's bytes without either. Sealing by suffix keeps verification exact
 * without a canonical JSON form: the verifier hashes the very bytes the writer hashed.
 */
final class AuditLines {

    /** The previous hash of the first line ever written. */
    static final String GENESIS = "0".repeat(64);

    private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_FIELD = ",\"signature\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\"}".getBytes(StandardCharsets.US_ASCII);

    private AuditLines() {
    }

    /** {@code body} is a compact JSON object ending in {@code '}'}; the result adds the signature field. */
    static byte[] withSignature(byte[] body, byte[] signature) {
        return append(body, SIGNATURE_FIELD, Base64.getEncoder().encodeToString(signature));
    }

    /** Adds the hash field; returns the sealed line (without its newline). */
    static byte[] sealed(byte[] body) {
        return append(body, HASH_FIELD, sha256(body));
    }

    static String hashOf(byte[] sealedLine) {
        return new String(sealedLine, sealedLine.length - END.length - 64, 64, StandardCharsets.US_ASCII);
    }

    /** The body a sealed line's hash covers, or empty when the line does not end in a hash field. */
    static Optional<byte[]> hashedBody(byte[] line) {
        return strip(line, HASH_FIELD, 64);
    }

    /** The body and signature of a checkpoint's hashed body, or empty when it has no signature field. */
    static Optional<Signed> signedBody(byte[] hashedBody) {
        int end = hashedBody.length - 1; // the closing brace
        int start = lastIndexOf(hashedBody, SIGNATURE_FIELD);
        if (start < 0 || hashedBody[end] != '}' || hashedBody[end - 1] != '"') {
            return Optional.empty();
        }
        String encoded = new String(hashedBody, start + SIGNATURE_FIELD.length, end - 1 - start - SIGNATURE_FIELD.length,
                StandardCharsets.US_ASCII);
        try {
            byte[] signature = Base64.getDecoder().decode(encoded);
            return Optional.of(new Signed(closed(Arrays.copyOf(hashedBody, start)), signature));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    record Signed(byte[] body, byte[] signature) {
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<byte[]> strip(byte[] line, byte[] field, int valueLength) {
        int start = line.length - END.length - valueLength - field.length;
        if (start <= 0 || !Arrays.equals(line, start, start + field.length, field, 0, field.length)
                || !Arrays.equals(line, line.length - END.length, line.length, END, 0, END.length)) {
            return Optional.empty();
        }
        return Optional.of(closed(Arrays.copyOf(line, start)));
    }

    private static byte[] append(byte[] body, byte[] field, String value) {
        if (body.length == 0 || body[body.length - 1] != '}') {
            throw new IllegalArgumentException("not a JSON object");
        }
        byte[] text = value.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[body.length - 1 + field.length + text.length + END.length];
        System.arraycopy(body, 0, out, 0, body.length - 1);
        System.arraycopy(field, 0, out, body.length - 1, field.length);
        System.arraycopy(text, 0, out, body.length - 1 + field.length, text.length);
        System.arraycopy(END, 0, out, out.length - END.length, END.length);
        return out;
    }

    private static byte[] closed(byte[] open) {
        byte[] out = Arrays.copyOf(open, open.length + 1);
        out[open.length] = '}';
        return out;
    }

    private static int lastIndexOf(byte[] bytes, byte[] needle) {
        for (int i = bytes.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
