package io.artstore.ingester.core.domain;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** A SHA-256 digest in the 64 lower-case hex digits ArtStore writes. */
public record Sha256(String hex) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Sha256 {
        Objects.requireNonNull(hex, "hex");
        if (!HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("a SHA-256 checksum is 64 hex digits, got '" + hex + "'");
        }
    }

    /** Accepts upper or lower case, as clients send either. */
    public static Sha256 parse(String text) {
        return new Sha256(Objects.requireNonNull(text, "text").trim().toLowerCase(Locale.ROOT));
    }

    public static Sha256 of(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + digest.length);
        }
        return new Sha256(HexFormat.of().formatHex(digest));
    }

    @Override
    public String toString() {
        return hex;
    }
}
