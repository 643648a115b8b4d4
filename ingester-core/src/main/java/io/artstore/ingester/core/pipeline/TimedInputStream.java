package io.artstore.ingester.core.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the time spent reading from the stream it wraps, everything upstream of it included, and when the first and
 * the last read happened. The time a stage of a chain of streams spends on its own is its timer's total less the
 * total of the timer just upstream of it.
 */
public final class TimedInputStream extends FilterInputStream implements BlockLending {

    private long nanos;
    private long bytes;
    private long firstRead = Long.MIN_VALUE;
    private long lastRead = Long.MIN_VALUE;
    /** Lends this stream's own (timed) reads when the stream timed does not lend its blocks. */
    private BlockLending reads;

    public TimedInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        return Streams.readOneByte(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        long began = System.nanoTime();
        if (firstRead == Long.MIN_VALUE) {
            firstRead = began;
        }
        try {
            int n = in.read(b, off, len);
            if (n > 0) {
                bytes += n;
            }
            return n;
        } finally {
            lastRead = System.nanoTime();
            nanos += lastRead - began;
        }
    }

    /**
     * Lends what the stream timed lends, or what it reads into a buffer of this stream's. The sink's own time is not
     * counted: the timer measures the stream upstream, as {@code read} does.
     */
    @Override
    public int lendTo(Sink sink) throws IOException {
        if (!(in instanceof BlockLending lending)) {
            if (reads == null) {
                reads = BlockLending.reading(this, ReadAheadInputStream.BLOCK_BYTES);
            }
            return reads.lendTo(sink);
        }
        long began = System.nanoTime();
        if (firstRead == Long.MIN_VALUE) {
            firstRead = began;
        }
        long[] sinkNanos = {0};
        try {
            int n = lending.lendTo((b, offset, length) -> {
                long sinkBegan = System.nanoTime();
                try {
                    sink.accept(b, offset, length);
                } finally {
                    sinkNanos[0] += System.nanoTime() - sinkBegan;
                }
            });
            if (n > 0) {
                bytes += n;
            }
            return n;
        } finally {
            lastRead = System.nanoTime();
            nanos += lastRead - began - sinkNanos[0];
        }
    }

    /** Nanoseconds spent in reads so far. */
    public long nanos() {
        return nanos;
    }

    /** Bytes read so far. */
    public long bytes() {
        return bytes;
    }

    /** {@link System#nanoTime()} of the first read, or of {@code otherwise} when nothing was read. */
    public long firstRead(long otherwise) {
        return firstRead == Long.MIN_VALUE ? otherwise : firstRead;
    }

    /** {@link System#nanoTime()} when the last read returned, or {@code otherwise} when nothing was read. */
    public long lastRead(long otherwise) {
        return lastRead == Long.MIN_VALUE ? otherwise : lastRead;
    }
}
