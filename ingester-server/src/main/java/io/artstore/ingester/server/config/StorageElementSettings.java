package io.artstore.ingester.server.config;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One configured local storage element: a folder in the ArtStore layout. Remote ones ({@code type: http}) are
 * read straight into the HTTP adapter's settings, see {@link StorageSettings#httpElements()}.
 *
 * @param capacityBytes a quota below the file system's free space, if any
 */
public record StorageElementSettings(StorageElementId id, Mode mode, Type type, Path path, int priority,
        OptionalLong capacityBytes) {

    public enum Type {
        LOCAL
    }

    public StorageElementSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(capacityBytes, "capacityBytes");
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative, got " + priority);
        }
        if (capacityBytes.isPresent() && capacityBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("capacity_bytes must be > 0, got " + capacityBytes.getAsLong());
        }
    }
}
