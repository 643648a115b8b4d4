package io.artstore.ingester.core.upload;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of a resumable upload: 32 lower-case hex digits, random, so that the upload URL cannot be guessed.
 * Parsing refuses anything else, which keeps ids safe as file names and key parts.
 */
public record UploadId(String value) {

    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public UploadId {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("an upload id is 32 lower-case hex digits");
        }
    }

    public static UploadId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new UploadId(HexFormat.of().formatHex(bytes));
    }

    /** Whether {@code text} is an upload id, to tell "no such upload" from a malformed one without an exception. */
    public static boolean isValid(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
