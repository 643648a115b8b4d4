package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.DigestedContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * A {@link HashingInputStream} read on a thread of its own, a few blocks ahead of its reader: reading the source and
 * hashing it run on one core while the reader (a storage element writing the bytes) works on another.
 *
 * <p>{@link DigestedContent}: the read-ahead hands out exactly the bytes it hashed, in the order hashed, so once this
 * stream's reader has read the end, the digest is that of every byte it received. Before that it is refused, even when
 * the thread ahead has already hashed everything.
 */
public final class HashingReadAhead extends InputStream implements DigestedContent {

    private final HashingInputStream hashing;
    private final ReadAheadInputStream ahead;
    private final LongConsumer progress;
    private long count;
    private boolean ended;

    /** @param progress told the total count handed to this stream's reader after every read that returned bytes */
    public HashingReadAhead(InputStream in, LongConsumer progress) {
        this.hashing = new HashingInputStream(in, total -> { });
        this.ahead = new ReadAheadInputStream(hashing);
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        int n = ahead.read(b, off, len);
        if (n > 0) {
            count += n;
            progress.accept(count);
        } else if (n < 0) {
            ended = true;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave bytes out of the digest");
    }

    /** Whether this stream's reader read its end. */
    public boolean ended() {
        return ended;
    }

    /** The bytes handed to this stream's reader so far. */
    @Override
    public long count() {
        return count;
    }

    @Override
    public Sha256 digest() {
        if (!ended) {
            throw new IllegalStateException("the stream has not been read to its end");
        }
        if (hashing.count() != count) {
            throw new IllegalStateException("hashed " + hashing.count() + " bytes but handed out " + count);
        }
        return hashing.digest();
    }

    /** Stops the thread ahead (waiting for a read of the source under way) and closes the source. */
    @Override
    public void close() throws IOException {
        ahead.close();
    }
}
