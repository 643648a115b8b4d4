package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Kills the process at the given append, after its write and before its force, keeping part of the write: of the
 * bytes the append added since the previous one, the fraction {@code kept} reaches the disk.
 */
final class CrashAfterWrite implements FramedLogFile.Faults {
    private final int atAppend;
    private final double kept;
    private int appends;
    private long lastEnd;

    CrashAfterWrite(int atAppend, double kept) {
        this(atAppend, kept, 0);
    }

    /** {@code firstStart}: where the first append begins, e.g. after the file's header. */
    CrashAfterWrite(int atAppend, double kept, long firstStart) {
        this.atAppend = atAppend;
        this.kept = kept;
        this.lastEnd = firstStart;
    }

    @Override
    public void at(FramedLogFile.CrashPoint point, Path file) throws IOException {
        if (point != FramedLogFile.CrashPoint.APPENDED_NOT_FORCED) {
            return;
        }
        long end = Files.size(file);
        if (++appends == atAppend) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(lastEnd + (long) ((end - lastEnd) * kept));
            }
            throw new SimulatedCrash("append " + atAppend + " of " + file + ", before it was forced");
        }
        lastEnd = end;
    }
}
