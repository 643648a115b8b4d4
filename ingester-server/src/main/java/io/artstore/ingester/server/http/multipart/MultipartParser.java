package io.artstore.ingester.server.http.multipart;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A streaming {@code multipart/form-data} parser (RFC 2046 section 5.1, RFC 7578) that hands out one part at a
 * time as an {@link InputStream} and never holds more than its buffer.
 *
 * <p>The delimiter {@code CRLF--boundary} is found with a Boyer–Moore–Horspool search over the whole buffer:
 * on bytes that do not resemble the boundary it looks at about one byte in every delimiter length, and the
 * bytes before a possible match are handed out without being looked at again. Only the last delimiter length
 * minus one bytes of a buffer are held back, in case a delimiter starts there. A preamble before the first
 * boundary and an epilogue after the closing one are skipped; spaces and tabs after a boundary (transport
 * padding) are allowed.
 *
 * <p>Not thread-safe; reading a part after {@link #next()} moved past it reads nothing.
 */
public final class MultipartParser {

    /** Large enough that a delimiter search runs over many kilobytes at a time. */
    public static final int DEFAULT_BUFFER_BYTES = 64 * 1024;
    /** RFC 2046: a boundary has 1 to 70 characters. */
    public static final int MAX_BOUNDARY_LENGTH = 70;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DASH = '-';
    /** Transport padding longer than this is not padding. */
    private static final int MAX_PADDING = 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final int maxHeaderBytes;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;

    /** Bytes before this index hold no delimiter start: the current part may hand them out. */
    private int safeEnd;
    /** Where the delimiter that ends the current part starts, or -1 while it has not been found. */
    private int match = -1;
    private State state = State.PREAMBLE;
    private PartStream current;

    private enum State { PREAMBLE, BODY, AFTER_DELIMITER, DONE }

    /**
     * @param boundary the boundary of the body's {@code Content-Type}, without the leading dashes
     * @param maxHeaderBytes the most bytes of one part's header block, its closing empty line included
     */
    public MultipartParser(InputStream in, String boundary, int maxHeaderBytes) {
        this(in, boundary, maxHeaderBytes, DEFAULT_BUFFER_BYTES);
    }

    public MultipartParser(InputStream in, String boundary, int maxHeaderBytes, int bufferBytes) {
        this.in = Objects.requireNonNull(in, "in");
        if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH) {
            throw new IllegalArgumentException("a boundary has 1 to " + MAX_BOUNDARY_LENGTH + " characters, got " + boundary.length());
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxHeaderBytes = maxHeaderBytes;
        if (bufferBytes < maxHeaderBytes + 2 * delimiter.length + 8) {
            throw new IllegalArgumentException("the buffer must hold a whole header block and two delimiters");
        }
        this.buf = new byte[bufferBytes];
        int m = delimiter.length;
        Arrays.fill(skip, m);
        for (int k = 0; k < m - 1; k++) {
            skip[delimiter[k] & 0xff] = m - 1 - k;
        }
        // The first boundary may open the body without a CRLF before it: pretend there is one.
        buf[0] = CR;
        buf[1] = LF;
        limit = 2;
    }

    /**
     * The boundary parameter of a {@code multipart/*} content type, if it has a usable one.
     */
    public static Optional<String> boundaryOf(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        HeaderValue value = HeaderValue.parse(contentType);
        if (!value.type().startsWith("multipart/")) {
            return Optional.empty();
        }
        return value.parameter("boundary").filter(b -> !b.isEmpty() && b.length() <= MAX_BOUNDARY_LENGTH
                && StandardCharsets.US_ASCII.newEncoder().canEncode(b));
    }

    /**
     * Moves to the next part, skipping what is left of the current one.
     *
     * @return the next part, or empty after the closing boundary
     * @throws MalformedMultipartException when the body has no boundary, ends before its closing boundary, or
     *     has bytes after a boundary that may not be there
     * @throws PartHeadersTooLargeException when a part's headers are longer than the limit
     * @throws IOException when reading the body fails
     */
    public Optional<Part> next() throws IOException {
        if (state == State.DONE) {
            return Optional.empty();
        }
        if (state == State.PREAMBLE || state == State.BODY) {
            skipToDelimiter();
        }
        if (current != null) {
            current.finished = true;
            current = null;
        }
        // Just after "CRLF--boundary": "--" closes the body, else padding and CRLF open a part.
        if (!ensure(2)) {
            throw new MalformedMultipartException("the body ends right after a boundary");
        }
        if (buf[pos] == DASH && buf[pos + 1] == DASH) {
            pos += 2;
            state = State.DONE;
            return Optional.empty();
        }
        int padding = 0;
        while (true) {
            if (!ensure(1)) {
                throw new MalformedMultipartException("the body ends right after a boundary");
            }
            byte b = buf[pos];
            if (b != ' ' && b != '\t') {
                break;
            }
            pos++;
            if (++padding > MAX_PADDING) {
                throw new MalformedMultipartException("a boundary is followed by more than " + MAX_PADDING + " spaces");
            }
        }
        if (!ensure(2) || buf[pos] != CR || buf[pos + 1] != LF) {
            throw new MalformedMultipartException("a boundary is followed by something other than a line end or '--'");
        }
        pos += 2;
        Map<String, String> headers = readHeaders();
        state = State.BODY;
        safeEnd = pos;
        match = -1;
        current = new PartStream();
        return Optional.of(new Part(headers, current));
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String lastName = null;
        int used = 0;
        while (true) {
            int eol = findLineEnd(maxHeaderBytes - used);
            int lineBytes = eol - pos + 2;
            used += lineBytes;
            if (used > maxHeaderBytes) {
                throw new PartHeadersTooLargeException(maxHeaderBytes);
            }
            if (eol == pos) {
                pos += 2;
                return headers;
            }
            String line = new String(buf, pos, eol - pos, StandardCharsets.UTF_8);
            pos = eol + 2;
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && lastName != null) {
                headers.merge(lastName, line.trim(), (a, b) -> a + " " + b); // a folded line continues the last header
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue; // not a header: nothing to read from it
            }
            lastName = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.putIfAbsent(lastName, line.substring(colon + 1).trim());
        }
    }

    /** The index of the next CRLF from {@code pos}, reading as needed, looking at most {@code room} bytes ahead. */
    private int findLineEnd(int room) throws IOException {
        int from = pos;
        while (true) {
            for (int i = from; i + 1 < limit; i++) {
                if (buf[i] == CR && buf[i + 1] == LF) {
                    return i;
                }
                if (i - pos + 2 > room) {
                    throw new PartHeadersTooLargeException(maxHeaderBytes);
                }
            }
            from = Math.max(pos, limit - 1);
            int before = pos;
            if (!fill()) {
                throw new MalformedMultipartException("the body ends inside a part's headers");
            }
            from -= before - pos; // fill() may have moved the bytes to the buffer's start
        }
    }

    /** Reads on until the current part's (or the preamble's) closing delimiter, and past it. */
    private void skipToDelimiter() throws IOException {
        while (readable() > 0) {
            pos = safeEnd;
        }
        pos = match + delimiter.length;
        match = -1;
        state = State.AFTER_DELIMITER;
    }

    /**
     * How many bytes from {@code pos} belong to the current part (or preamble) and may be handed out, reading
     * as needed; 0 when the delimiter that ends it starts at {@code pos}.
     *
     * @throws MalformedMultipartException when the body ends before that delimiter
     */
    private int readable() throws IOException {
        while (true) {
            if (pos < safeEnd) {
                return safeEnd - pos;
            }
            if (match >= 0) {
                return 0;
            }
            int found = search(pos, limit);
            if (found >= 0) {
                match = found;
                safeEnd = found;
            } else {
                safeEnd = Math.max(pos, limit - delimiter.length + 1);
                if (safeEnd == pos && !fill()) {
                    throw new MalformedMultipartException(state == State.PREAMBLE
                            ? "the body holds no boundary; check that it is the one named in the Content-Type header"
                            : "the body ends before the closing boundary");
                }
            }
        }
    }

    /** Boyer–Moore–Horspool: the first start of the delimiter in {@code buf[from, to)}, or -1. */
    private int search(int from, int to) {
        byte[] d = delimiter;
        int last = d.length - 1;
        byte lastByte = d[last];
        int i = from;
        int stop = to - d.length;
        while (i <= stop) {
            byte b = buf[i + last];
            if (b == lastByte && matchesAt(i, last)) {
                return i;
            }
            i += skip[b & 0xff];
        }
        return -1;
    }

    private boolean matchesAt(int at, int length) {
        for (int k = 0; k < length; k++) {
            if (buf[at + k] != delimiter[k]) {
                return false;
            }
        }
        return true;
    }

    /** Makes sure at least {@code n} bytes follow {@code pos}; false when the body ends first. */
    private boolean ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Moves the unread bytes to the start of the buffer and reads more after them.
     *
     * @return false when the body has ended and nothing was read
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            int unread = limit - pos;
            System.arraycopy(buf, pos, buf, 0, unread);
            safeEnd = Math.max(0, safeEnd - pos);
            if (match >= 0) {
                match -= pos;
            }
            limit = unread;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        while (n == 0) {
            n = in.read(buf, limit, buf.length - limit);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** One part: its headers, read already, and its content, read on demand. */
    public static final class Part {

        private final Map<String, String> headers;
        private final InputStream content;
        private final HeaderValue disposition;

        Part(Map<String, String> headers, InputStream content) {
            this.headers = Map.copyOf(headers);
            this.content = content;
            this.disposition = HeaderValue.parse(headers.getOrDefault("content-disposition", ""));
        }

        /** The part's headers by lower-case name, the first of each name. */
        public Map<String, String> headers() {
            return headers;
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** The {@code name} of its {@code Content-Disposition}, empty when it has none. */
        public String name() {
            return disposition.parameter("name").orElse("");
        }

        /**
         * Its file name: {@code filename*} when sent (RFC 8187), else {@code filename}; empty when it has none.
         *
         * @throws IllegalArgumentException when {@code filename*} cannot be decoded
         */
        public Optional<String> filename() {
            return disposition.extendedParameter("filename");
        }

        /** A form field rather than a file: no {@code filename} parameter at all. */
        public boolean isFormField() {
            return disposition.parameter("filename").isEmpty() && disposition.parameter("filename*").isEmpty();
        }

        public Optional<String> contentType() {
            return header("content-type").filter(type -> !type.isBlank());
        }

        /** The part's content; it ends at the next boundary and raises {@link MalformedMultipartException} if none comes. */
        public InputStream content() {
            return content;
        }
    }

    private final class PartStream extends InputStream {

        boolean finished;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (finished) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = readable();
            if (n == 0) {
                finish();
                return -1;
            }
            n = Math.min(n, len);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Writes straight from the parser's buffer, without a copy of its own. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            if (finished) {
                return 0;
            }
            int n;
            while ((n = readable()) > 0) {
                out.write(buf, pos, n);
                pos += n;
                total += n;
            }
            finish();
            return total;
        }

        @Override
        public int available() {
            return finished ? 0 : Math.max(0, safeEnd - pos);
        }

        private void finish() {
            finished = true;
            pos = match + delimiter.length;
            match = -1;
            state = State.AFTER_DELIMITER;
        }

    }
}
