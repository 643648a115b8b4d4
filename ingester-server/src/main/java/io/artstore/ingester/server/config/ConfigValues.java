package io.artstore.ingester.server.config;

import java.time.Duration;

/**
 * Durations and sizes as the configuration is shown to operators: one form each, in the largest unit that
 * holds the value exactly, and one that the configuration file accepts back ({@code 30m}, {@code 500ms},
 * {@code 10GiB}, {@code 500GB}).
 */
public final class ConfigValues {

    private static final long[] DURATION_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    private static final String[] DURATION_UNITS = {"d", "h", "m", "s", "ms"};
    private static final String[] SIZE_PREFIXES = {"T", "G", "M", "K"};

    private ConfigValues() {
    }

    /** {@code 90s}, {@code 1h}, {@code 250ms}, {@code 0s}; below a millisecond is not a setting anyone makes. */
    public static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        for (int i = 0; i < DURATION_MILLIS.length; i++) {
            if (millis % DURATION_MILLIS[i] == 0) {
                return millis / DURATION_MILLIS[i] + DURATION_UNITS[i];
            }
        }
        throw new AssertionError("every whole number of milliseconds divides by 1");
    }

    /**
     * In the largest binary or decimal unit that holds the size exactly, whichever leaves the smaller number
     * ({@code 100MiB}, {@code 500GB}; binary on a tie), else in bytes.
     */
    public static String size(long bytes) {
        if (bytes == 0) {
            return "0B";
        }
        String binary = exactly(bytes, 1024, "iB");
        String decimal = exactly(bytes, 1000, "B");
        return leadingNumber(decimal) < leadingNumber(binary) ? decimal : binary;
    }

    private static String exactly(long bytes, long base, String suffix) {
        for (int i = 0; i < SIZE_PREFIXES.length; i++) {
            long unit = pow(base, SIZE_PREFIXES.length - i);
            if (bytes % unit == 0) {
                return bytes / unit + SIZE_PREFIXES[i] + suffix;
            }
        }
        return bytes + "B";
    }

    private static long leadingNumber(String size) {
        int end = 0;
        while (end < size.length() && Character.isDigit(size.charAt(end))) {
            end++;
        }
        return Long.parseLong(size.substring(0, end));
    }

    private static long pow(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }
}
