package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.ClockSync;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Vector clocks in a local folder, one {@code <node>.clock} file per node (see {@link ClockFiles}). */
public final class FileClockSync implements ClockSync {

    private final ClockFiles files;

    private FileClockSync(ClockFiles files) {
        this.files = files;
    }

    /**
     * Opens (creating if needed) the folder; temporary files a crash left behind are removed.
     *
     * @throws UncheckedIOException when the folder cannot be created or cleared
     */
    public static FileClockSync open(Path folder) {
        return new FileClockSync(ClockFiles.open(folder, "clock store"));
    }

    /**
     * @throws IngestException {@code INTERNAL} when the file cannot be read or does not hold a clock
     */
    @Override
    public Optional<VectorClock> load(NodeId node) {
        return files.read(Objects.requireNonNull(node, "node").value());
    }

    @Override
    public void persist(NodeId node, VectorClock clock) {
        files.write(Objects.requireNonNull(node, "node").value(), clock);
    }
}
