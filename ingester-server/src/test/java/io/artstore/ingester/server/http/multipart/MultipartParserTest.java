package io.artstore.ingester.server.http.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.server.http.multipart.MultipartParser.Part;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
import org.junit.jupiter.api.Test;

class MultipartParserTest {

    private static final String BOUNDARY = "b0undary-XyZ";
    private static final int HEADER_LIMIT = 256;
    /** The smallest buffer the parser takes with that limit and boundary: edges come often. */
    private static final int SMALL_BUFFER = HEADER_LIMIT + 2 * ("\r\n--" + BOUNDARY).length() + 8;

    /** What a part was: its Content-Disposition and its content. */
    record Seen(String disposition, byte[] content) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Seen s && s.disposition.equals(disposition) && Arrays.equals(s.content, content);
        }

        @Override
        public int hashCode() {
            return disposition.hashCode() * 31 + Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return disposition + " (" + content.length + " bytes)";
        }
    }

    @Test
    void reads_fields_and_a_file_in_order_with_their_headers() throws IOException {
        byte[] file = random(5000, 1);
        byte[] body = concat(
                ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"target_mode\"\r\n\r\nedit\r\n"),
                ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\n"), file,
                ascii("\r\n--" + BOUNDARY + "--\r\n"));
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, HEADER_LIMIT);

        Part field = parser.next().orElseThrow();
        assertThat(field.name()).isEqualTo("target_mode");
        assertThat(field.isFormField()).isTrue();
        assertThat(field.filename()).isEmpty();
        assertThat(new String(field.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("edit");
        Part filePart = parser.next().orElseThrow();
        assertThat(filePart.name()).isEqualTo("file");
        assertThat(filePart.isFormField()).isFalse();
        assertThat(filePart.filename()).contains("a b.txt");
        assertThat(filePart.contentType()).contains("text/plain");
        assertThat(filePart.content().readAllBytes()).isEqualTo(file);
        assertThat(parser.next()).isEmpty();
        assertThat(parser.next()).isEmpty();
    }

    @Test
    void skips_an_unread_part_and_a_preamble_and_an_epilogue() throws IOException {
        byte[] body = ascii("This is a preamble.\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"skipped\"\r\n\r\n"
                + "x".repeat(10_000) + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"kept\"\r\n\r\nvalue"
                + "\r\n--" + BOUNDARY + "--\r\nThis is an epilogue, with a --" + BOUNDARY + " in it.\r\n");
        MultipartParser parser = new MultipartParser(new ByteArrayInputStream(body), BOUNDARY, HEADER_LIMIT, SMALL_BUFFER);

        assertThat(parser.next().orElseThrow().name()).isEqualTo("skipped");
        Part kept = parser.next().orElseThrow();
        assertThat(kept.name()).isEqualTo("kept");
        assertThat(kept.content().readAllBytes()).isEqualTo(ascii("value"));
        assertThat(parser.next()).isEmpty();
    }

    @Test
    void takes_transport_padding_after_a_boundary_and_a_closing_boundary_without_crlf() throws IOException {
        byte[] body = ascii("--" + BOUNDARY + " \t \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" + BOUNDARY
                + "\t\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--" + BOUNDARY + "--");

        assertThat(parse(body, SMALL_BUFFER, Integer.MAX_VALUE)).extracting(seen -> new String(seen.content(), StandardCharsets.UTF_8))
                .containsExactly("1", "2");
    }

    @Test
    void a_part_without_headers_and_an_empty_part_are_parts() throws IOException {
        byte[] body = ascii("--" + BOUNDARY + "\r\n\r\nno headers\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--" + BOUNDARY + "--\r\n");

        List<Seen> parts = parse(body, SMALL_BUFFER, Integer.MAX_VALUE);

        assertThat(parts).containsExactly(new Seen("", ascii("no headers")), new Seen("form-data; name=\"empty\"", new byte[0]));
    }

    @Test
    void content_that_resembles_the_delimiter_stays_content() throws IOException {
        String tricky = "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "\r\n-" + BOUNDARY + "\r\r\n--"
                + BOUNDARY.substring(1) + "--" + BOUNDARY + "\n--" + BOUNDARY;
        byte[] body = ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n" + tricky + "\r\n--" + BOUNDARY + "--");

        for (int chunk = 1; chunk <= body.length; chunk++) {
            assertThat(parse(body, SMALL_BUFFER, chunk)).as("read %d bytes at a time", chunk)
                    .containsExactly(new Seen("form-data; name=\"t\"", ascii(tricky)));
        }
    }

    /**
     * Every length of content from 0 to three buffers, so that the delimiter, its CRLF and the header block's
     * end fall at every offset of the buffer, read whole, in 1-byte, and in odd-sized reads.
     */
    @Test
    void boundaries_and_line_ends_split_at_every_offset_of_the_buffer() throws IOException {
        for (int length = 0; length <= 3 * SMALL_BUFFER; length++) {
            byte[] content = random(length, length);
            byte[] body = body(List.of(new Seen("form-data; name=\"f\"; filename=\"x\"", content),
                    new Seen("form-data; name=\"g\"", ascii("after"))), "", "");
            for (int chunk : new int[] {1, 7, 64, Integer.MAX_VALUE}) {
                List<Seen> parts = parse(body, SMALL_BUFFER, chunk);
                assertThat(parts).as("content of %d bytes read %d at a time", length, chunk).containsExactly(
                        new Seen("form-data; name=\"f\"; filename=\"x\"", content), new Seen("form-data; name=\"g\"", ascii("after")));
            }
        }
    }

    /**
     * Random bodies (parts, contents full of near-delimiters, preamble, epilogue, read sizes) against Jetty's
     * parser. Jetty is given each body whole: fed in pieces, Jetty 12.1's parser puts a stray LF before a part
     * whose content starts with '-' when a piece ends right after that dash.
     */
    @Test
    void random_bodies_parse_as_jetty_parses_them() throws IOException {
        Random random = new Random(20261207);
        for (int round = 0; round < 1000; round++) {
            List<Seen> parts = new ArrayList<>();
            int count = 1 + random.nextInt(4);
            for (int p = 0; p < count; p++) {
                parts.add(new Seen("form-data; name=\"p" + p + "\"" + (random.nextBoolean() ? "; filename=\"f" + p + ".bin\"" : ""),
                        nearDelimiters(random, random.nextInt(random.nextBoolean() ? 200 : 3 * SMALL_BUFFER))));
            }
            String preamble = random.nextInt(3) == 0 ? "preamble " + random.nextInt() + "\r\n" : "";
            String epilogue = random.nextInt(3) == 0 ? "\r\nepilogue " + random.nextInt() : "";
            byte[] body = body(parts, preamble, epilogue);
            int chunk = random.nextBoolean() ? 1 + random.nextInt(100) : Integer.MAX_VALUE;
            int buffer = random.nextBoolean() ? SMALL_BUFFER : MultipartParser.DEFAULT_BUFFER_BYTES;

            List<Seen> ours = parse(body, buffer, chunk);

            assertThat(ours).as("round %d", round).containsExactlyElementsOf(jetty(body)).containsExactlyElementsOf(parts);
        }
    }

    @Test
    void every_truncation_of_a_body_before_its_closing_boundary_is_malformed() throws IOException {
        byte[] body = body(List.of(new Seen("form-data; name=\"a\"", ascii("first")),
                new Seen("form-data; name=\"file\"; filename=\"x\"", random(700, 3))), "", "");
        int closed = body.length - "\r\n".length(); // "...--boundary--" is whole from here on
        for (int cut = 0; cut < closed; cut++) {
            byte[] truncated = Arrays.copyOf(body, cut);
            assertThatThrownBy(() -> parse(truncated, SMALL_BUFFER, 13)).as("cut after %d bytes", cut)
                    .isInstanceOf(MalformedMultipartException.class);
        }
        assertThat(parse(Arrays.copyOf(body, closed), SMALL_BUFFER, 13)).hasSize(2);
    }

    @Test
    void a_body_without_its_final_boundary_is_malformed_and_says_so() {
        byte[] body = ascii("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nabc\r\n");

        assertThatThrownBy(() -> parse(body, SMALL_BUFFER, Integer.MAX_VALUE))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("closing boundary");
    }

    @Test
    void a_body_without_the_boundary_is_malformed() {
        assertThatThrownBy(() -> parse(ascii("this is not multipart at all"), SMALL_BUFFER, Integer.MAX_VALUE))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("no boundary");
        assertThatThrownBy(() -> parse(ascii("--other\r\n\r\nx\r\n--other--"), SMALL_BUFFER, Integer.MAX_VALUE))
                .isInstanceOf(MalformedMultipartException.class);
    }

    @Test
    void bytes_after_a_boundary_other_than_a_line_end_are_malformed() {
        byte[] body = ascii("--" + BOUNDARY + "\r\n\r\nx\r\n--" + BOUNDARY + "zz\r\n\r\ny\r\n--" + BOUNDARY + "--");

        assertThatThrownBy(() -> parse(body, SMALL_BUFFER, Integer.MAX_VALUE))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("boundary is followed");
    }

    @Test
    void a_header_block_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() throws IOException {
        String prefix = "Content-Disposition: form-data; name=\"f\"; filename=\"";
        int nameLength = HEADER_LIMIT - prefix.length() - "\"\r\n\r\n".length();
        for (int chunk : new int[] {1, 5, Integer.MAX_VALUE}) {
            byte[] fits = ascii("--" + BOUNDARY + "\r\n" + prefix + "n".repeat(nameLength) + "\"\r\n\r\nx\r\n--" + BOUNDARY + "--");
            assertThat(parse(fits, SMALL_BUFFER, chunk)).hasSize(1);

            byte[] over = ascii("--" + BOUNDARY + "\r\n" + prefix + "n".repeat(nameLength + 1) + "\"\r\n\r\nx\r\n--" + BOUNDARY + "--");
            assertThatThrownBy(() -> parse(over, SMALL_BUFFER, chunk)).isInstanceOf(PartHeadersTooLargeException.class)
                    .satisfies(e -> assertThat(((PartHeadersTooLargeException) e).limit()).isEqualTo(HEADER_LIMIT));
            byte[] endless = ascii("--" + BOUNDARY + "\r\n" + prefix + "n".repeat(10 * HEADER_LIMIT));
            assertThatThrownBy(() -> parse(endless, SMALL_BUFFER, chunk)).isInstanceOf(PartHeadersTooLargeException.class);
        }
    }

    @Test
    void the_boundary_comes_from_a_multipart_content_type_only() {
        assertThat(MultipartParser.boundaryOf("multipart/form-data; boundary=abc")).contains("abc");
        assertThat(MultipartParser.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\"")).contains("a b;c");
        assertThat(MultipartParser.boundaryOf("multipart/form-data")).isEmpty();
        assertThat(MultipartParser.boundaryOf("multipart/form-data; boundary=")).isEmpty();
        assertThat(MultipartParser.boundaryOf("multipart/form-data; boundary=" + "x".repeat(71))).isEmpty();
        assertThat(MultipartParser.boundaryOf("application/octet-stream; boundary=abc")).isEmpty();
        assertThat(MultipartParser.boundaryOf(null)).isEmpty();
    }

    @Test
    void part_stream_transfer_writes_the_same_bytes_as_reading() throws IOException {
        byte[] content = nearDelimiters(new Random(5), 5 * SMALL_BUFFER);
        byte[] body = body(List.of(new Seen("form-data; name=\"f\"", content)), "", "");
        MultipartParser parser = new MultipartParser(new Chunked(body, 33), BOUNDARY, HEADER_LIMIT, SMALL_BUFFER);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        long n = parser.next().orElseThrow().content().transferTo(out);

        assertThat(n).isEqualTo(content.length);
        assertThat(out.toByteArray()).isEqualTo(content);
        assertThat(parser.next()).isEmpty();
    }

    // --- helpers ---

    static List<Seen> parse(byte[] body, int buffer, int chunk) throws IOException {
        MultipartParser parser = new MultipartParser(new Chunked(body, chunk), BOUNDARY, HEADER_LIMIT, buffer);
        List<Seen> parts = new ArrayList<>();
        Optional<Part> part;
        while ((part = parser.next()).isPresent()) {
            parts.add(new Seen(part.get().header("Content-Disposition").orElse(""), part.get().content().readAllBytes()));
        }
        return parts;
    }

    /** The same body through Jetty 12's own parser, in one piece. */
    static List<Seen> jetty(byte[] body) {
        List<Seen> parts = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        MultiPart.Parser parser = new MultiPart.Parser(BOUNDARY, new MultiPart.Parser.Listener() {
            String disposition = "";
            ByteArrayOutputStream content = new ByteArrayOutputStream();

            @Override
            public void onPartBegin() {
                disposition = "";
                content = new ByteArrayOutputStream();
            }

            @Override
            public void onPartHeader(String name, String value) {
                if (name.equalsIgnoreCase("Content-Disposition")) {
                    disposition = value;
                }
            }

            @Override
            public void onPartContent(Content.Chunk data) {
                ByteBuffer bytes = data.getByteBuffer().slice();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                content.writeBytes(copy);
            }

            @Override
            public void onPartEnd() {
                parts.add(new Seen(disposition, content.toByteArray()));
            }

            @Override
            public void onFailure(Throwable failure) {
                failures.add(failure);
            }
        });
        parser.parse(Content.Chunk.from(ByteBuffer.wrap(body), true));
        assertThat(failures).isEmpty();
        return parts;
    }

    static byte[] body(List<Seen> parts, String preamble, String epilogue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii(preamble));
        for (Seen part : parts) {
            out.writeBytes(ascii("--" + BOUNDARY + "\r\n"));
            if (!part.disposition().isEmpty()) {
                out.writeBytes(ascii("Content-Disposition: " + part.disposition() + "\r\n"));
            }
            out.writeBytes(ascii("\r\n"));
            out.writeBytes(part.content());
            out.writeBytes(ascii("\r\n"));
        }
        out.writeBytes(ascii("--" + BOUNDARY + "--\r\n" + epilogue));
        return out.toByteArray();
    }

    /** Random bytes salted with pieces of the delimiter, CRs, LFs and dashes. */
    static byte[] nearDelimiters(Random random, int length) {
        byte[] delimiter = ascii("\r\n--" + BOUNDARY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < length) {
            switch (random.nextInt(4)) {
                case 0 -> out.writeBytes(Arrays.copyOf(delimiter, 1 + random.nextInt(delimiter.length - 1)));
                case 1 -> out.write("\r\n-".charAt(random.nextInt(3)));
                default -> {
                    byte[] noise = new byte[random.nextInt(40)];
                    random.nextBytes(noise);
                    out.writeBytes(noise);
                }
            }
        }
        byte[] bytes = Arrays.copyOf(out.toByteArray(), length);
        // A piece of the delimiter followed by noise may complete it by chance: such content is not content.
        for (int i = 0; i + delimiter.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                bytes[i + delimiter.length - 1] ^= 1;
            }
        }
        return bytes;
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** Hands out at most {@code chunk} bytes per read, as a network does. */
    static final class Chunked extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int pos;

        Chunked(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
