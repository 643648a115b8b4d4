package io.artstore.ingester.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/** Inputs of the benchmarks, the same in every run: random bytes (incompressible) and text (compressible). */
final class BenchData {

    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at"
            + " which but have an they you were her she there one all we their been has would when if so no file storage element"
            + " upload archive document record checksum metadata retention permanent temporary 2026 12 07 report page").split(" ");

    private BenchData() {}

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Words drawn at random from a small vocabulary, in lines: compresses about as well as prose (3-4x with gzip). */
    static byte[] text(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder(size + 64);
        int line = 0;
        while (out.length() < size) {
            String word = WORDS[random.nextInt(WORDS.length)];
            out.append(word);
            line += word.length() + 1;
            if (line > 72) {
                out.append('\n');
                line = 0;
            } else {
                out.append(' ');
            }
        }
        byte[] bytes = out.toString().getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(bytes, size);
    }
}
