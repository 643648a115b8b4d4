package io.artstore.ingester.core.pipeline;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Byte blocks of one size that uploads take and give back, so that an upload does not allocate (and the JVM does not
 * zero) a fresh megabyte of buffers: at a few hundred small uploads a second that was a tenth of the server's CPU.
 * Keeps at most {@code kept} free blocks; a block given back beyond that, or of another size, is left to the garbage
 * collector. A block is handed out to one holder at a time: whoever gives it back must no longer touch it.
 */
public final class BlockPool {

    private final int blockBytes;
    private final ArrayBlockingQueue<byte[]> free;

    public BlockPool(int blockBytes, int kept) {
        if (blockBytes <= 0 || kept <= 0) {
            throw new IllegalArgumentException("a pool needs a positive block size and count");
        }
        this.blockBytes = blockBytes;
        this.free = new ArrayBlockingQueue<>(kept);
    }

    /** A block of {@link #blockBytes()} bytes, with whatever its last holder left in it. */
    public byte[] take() {
        byte[] block = free.poll();
        return block != null ? block : new byte[blockBytes];
    }

    /** Gives {@code block} back; the caller must not use it afterwards. */
    public void give(byte[] block) {
        if (block.length == blockBytes) {
            free.offer(block);
        }
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** Free blocks kept now. */
    public int kept() {
        return free.size();
    }
}
