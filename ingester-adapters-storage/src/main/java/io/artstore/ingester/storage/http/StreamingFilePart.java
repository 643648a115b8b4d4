package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.domain.Sha256;
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
 * The {@code file} part of an upload, fed from the content stream as OkHttp writes the request: never held in
 * memory, sent at most once. It digests what it sends, so that an upload whose answer was lost can be
 * recognised on the element, and it keeps a failure of the content stream apart from a failure of the network.
 */
final class StreamingFilePart extends RequestBody {

    private static final int BUFFER = 64 * 1024;

    private final InputStream content;
    private final MediaType contentType;
    private final MessageDigest digest;
    private volatile boolean touched;
    private volatile boolean finished;
    private volatile long sentBytes;
    private volatile RuntimeException contentFailure;
    private volatile Sha256 checksum;

    StreamingFilePart(InputStream content, MediaType contentType) {
        this.content = content;
        this.contentType = contentType;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return -1;
    }

    @Override
    public boolean isOneShot() {
        return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
        if (touched) {
            throw new IOException("the content stream was already sent once and cannot be sent again");
        }
        touched = true;
        byte[] buffer = new byte[BUFFER];
        while (true) {
            int read;
            try {
                read = content.read(buffer);
            } catch (IOException e) {
                contentFailure = new UncheckedIOException(e);
                throw new IOException("the content stream failed", e);
            } catch (RuntimeException e) {
                contentFailure = e;
                throw new IOException("the content stream failed", e);
            }
            if (read < 0) {
                break;
            }
            digest.update(buffer, 0, read);
            sink.write(buffer, 0, read);
            sentBytes += read;
        }
        checksum = Sha256.of(digest.digest());
        finished = true;
    }

    /** Nothing was read from the content yet, so the request may be sent again. */
    boolean untouched() {
        return !touched;
    }

    /** The whole content was handed to the network. */
    boolean finished() {
        return finished;
    }

    long sentBytes() {
        return sentBytes;
    }

    Sha256 checksum() {
        if (!finished) {
            throw new IllegalStateException("the content was not sent to its end");
        }
        return checksum;
    }

    /** The content stream's own failure, to be passed on to the caller unchanged. */
    Optional<RuntimeException> contentFailure() {
        return Optional.ofNullable(contentFailure);
    }
}
