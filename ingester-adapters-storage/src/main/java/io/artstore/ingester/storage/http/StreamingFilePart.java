package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * The {@code file} part of an upload. Its first block is read before the request is built: content that ends
 * within it is sent whole, with its length, and may be sent again; longer content is fed from the stream as
 * OkHttp writes the request, never held in memory beyond one block, and sent at most once. It digests what it
 * sends, so that an upload whose answer was lost can be recognised on the element, and it keeps a failure of the
 * content stream apart from a failure of the network. Streamed content that is {@link DigestedContent} (the
 * pipeline's stored bytes, hashed as they were produced) is not hashed a second time: every byte read from it is sent
 * unchanged, so its digest is that of what was sent once its count matches.
 *
 * <p>The stream is handed on in full blocks: each write of a chunked body is one chunk on the wire, and the
 * pipeline's stream returns what the client's connection delivered, often 8 KiB, which cost a chunk header, a
 * write and a TCP segment each.
 */
final class StreamingFilePart extends RequestBody {

    /** Content up to this size is sent whole; longer content is streamed in chunks of this size. */
    static final int BLOCK = 64 * 1024;

    private final InputStream content;
    private final MediaType contentType;
    private final MessageDigest digest;
    /** The content's own digest, taken instead of {@link #digest} when the content is streamed. */
    private final Optional<DigestedContent> digested;
    private final byte[] first;
    private final int firstLength;
    private final boolean whole;
    private volatile boolean touched;
    private volatile boolean finished;
    private volatile long sentBytes;
    private volatile RuntimeException contentFailure;
    private volatile Sha256 checksum;

    private StreamingFilePart(InputStream content, MediaType contentType, byte[] first, int firstLength, boolean whole) {
        this.content = content;
        this.contentType = contentType;
        this.first = first;
        this.firstLength = firstLength;
        this.whole = whole;
        this.digested = !whole && content instanceof DigestedContent d ? Optional.of(d) : Optional.empty();
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (whole) {
            digest.update(first, 0, firstLength);
            checksum = Sha256.of(digest.digest());
            sentBytes = firstLength;
        }
    }

    /**
     * Reads the content's first block now. A failure of the content stream is thrown as it is (an
     * {@link IOException} as an {@link UncheckedIOException}), before anything was sent.
     */
    static StreamingFilePart of(InputStream content, MediaType contentType) {
        byte[] block = new byte[BLOCK];
        int read;
        try {
            read = content.readNBytes(block, 0, BLOCK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StreamingFilePart(content, contentType, block, read, read < BLOCK);
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return whole ? firstLength : -1;
    }

    @Override
    public boolean isOneShot() {
        return !whole;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        if (whole) {
            touched = true;
            sink.write(first, 0, firstLength);
            finished = true;
            return;
        }
        if (touched) {
            throw new IOException("the content stream was already sent once and cannot be sent again");
        }
        touched = true;
        send(sink, first, firstLength);
        byte[] buffer = first;
        while (true) {
            int read;
            try {
                read = content.readNBytes(buffer, 0, BLOCK);
            } catch (IOException e) {
                contentFailure = new UncheckedIOException(e);
                throw new IOException("the content stream failed", e);
            } catch (RuntimeException e) {
                contentFailure = e;
                throw new IOException("the content stream failed", e);
            }
            if (read == 0) {
                break;
            }
            send(sink, buffer, read);
        }
        checksum = digested.isPresent() ? sentDigest(digested.get()) : Sha256.of(digest.digest());
        finished = true;
    }

    private Sha256 sentDigest(DigestedContent content) throws IOException {
        try {
            return content.digestOfPassedOn(sentBytes);
        } catch (IngestException mismatch) {
            contentFailure = mismatch;
            throw new IOException(mismatch.getMessage(), mismatch);
        }
    }

    private void send(BufferedSink sink, byte[] bytes, int length) throws IOException {
        if (digested.isEmpty()) {
            digest.update(bytes, 0, length);
        }
        sink.write(bytes, 0, length);
        sentBytes += length;
    }

    /** The whole content is in memory: the request may be sent again, and needs no {@code Expect: 100-continue}. */
    boolean replayable() {
        return whole;
    }

    /** Nothing of the content was handed to a request yet. */
    boolean untouched() {
        return !touched;
    }

    /** The whole content was handed to the network (at least once). */
    boolean finished() {
        return finished;
    }

    /** What was handed to the network; the whole length for content sent whole. */
    long sentBytes() {
        return sentBytes;
    }

    Sha256 checksum() {
        if (checksum == null) {
            throw new IllegalStateException("the content was not sent to its end");
        }
        return checksum;
    }

    /** The content stream's own failure, to be passed on to the caller unchanged. */
    Optional<RuntimeException> contentFailure() {
        return Optional.ofNullable(contentFailure);
    }
}
