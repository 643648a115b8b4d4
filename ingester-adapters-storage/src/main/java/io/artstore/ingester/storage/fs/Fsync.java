package io.artstore.ingester.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How a file is forced to disk. Production forces; tests count the forces, or hold one to see what waits on it.
 */
@FunctionalInterface
public interface Fsync {

    /** {@link FileChannel#force}: {@code fdatasync} without {@code metadata}, {@code fsync} with it. */
    Fsync REAL = (channel, file, metadata) -> channel.force(metadata);

    /**
     * Forces what was written to {@code channel} (the file {@code file}) to disk.
     *
     * @param metadata also the file's metadata beyond what reading it back needs (times, permissions)
     */
    void force(FileChannel channel, Path file, boolean metadata) throws IOException;
}
