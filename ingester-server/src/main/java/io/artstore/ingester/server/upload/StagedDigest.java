package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.pipeline.DaemonThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;

/**
 * The SHA-256 of an upload's staged bytes, kept up with its acknowledged offset by reading those bytes back from the
 * staged file (from the page cache: they were just written) on a thread of its own. A {@code PATCH} then never waits
 * for the upload's digest: its body is received, written and forced while the bytes of the {@code PATCH}es before are
 * hashed, mostly in the time the request waits for the disk and the client. Completion takes the digest once it has
 * reached the upload's length.
 *
 * <p>Only acknowledged bytes are read: they are on disk and never change (a later request only writes past the
 * acknowledged offset), whichever instance received them, as the staging area is shared.
 */
final class StagedDigest implements AutoCloseable {

    /** Where a digest stands: the SHA-256 of the staged file's first {@code offset} bytes. */
    record Progress(long offset, MessageDigest digest) {}

    private static final int BUFFER_BYTES = 256 * 1024;
    private static final ExecutorService READERS = DaemonThreads.cached("upload-digest");

    private final Path file;
    private final MessageDigest digest = sha256();
    private long hashed;
    private long target;
    private boolean running;
    private boolean closed;
    private IOException failure;

    StagedDigest(Path file) {
        this.file = file;
    }

    /** The file's first {@code offset} bytes are acknowledged: they are hashed in the background, in order. */
    synchronized void acknowledged(long offset) {
        if (offset <= target) {
            return;
        }
        target = offset;
        if (!running && !closed && failure == null) {
            running = true;
            READERS.execute(this::follow);
        }
    }

    /**
     * Waits until the digest has reached {@code length} or can go no further (closed, or it failed to read), and
     * returns where it stands then, as a copy to go on with; at most {@code length}.
     */
    synchronized Progress progressUpTo(long length) throws InterruptedException {
        while (running && hashed < length) {
            wait();
        }
        long offset = Math.min(hashed, length);
        if (offset < hashed) {
            return new Progress(0, sha256()); // hashed past it: only the start is known to be of these bytes
        }
        return new Progress(offset, copy(digest));
    }

    /** Stops reading after the current block; a digest that stopped short leaves completion to read the rest. */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void follow() {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                long from;
                long to;
                synchronized (this) {
                    if (hashed >= target || closed) {
                        running = false;
                        notifyAll();
                        return;
                    }
                    from = hashed;
                    to = target;
                }
                buffer.clear().limit((int) Math.min(buffer.capacity(), to - from));
                int n = channel.read(buffer, from);
                if (n < 0) {
                    throw new IOException("the staged file " + file + " ends at byte " + from + ", before its acknowledged"
                            + " offset " + to);
                }
                synchronized (this) {
                    digest.update(buffer.array(), 0, n);
                    hashed = from + n;
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                running = false;
                notifyAll();
            }
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
