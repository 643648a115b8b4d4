package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One local storage element: a folder in the ArtStore disk layout.
 *
 * @param priority lower numbers are chosen first among elements of the same mode
 * @param quotaBytes caps the space this element reports and accepts, when smaller than its file system
 */
public record LocalStorageSettings(StorageElementId id, Mode mode, Path path, int priority, OptionalLong quotaBytes) {

    public LocalStorageSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(quotaBytes, "quotaBytes");
        if (priority < 0) {
            throw new IllegalArgumentException("priority of storage element " + id + " must not be negative, got " + priority);
        }
        if (quotaBytes.isPresent() && quotaBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("quota of storage element " + id + " must be > 0 bytes, got " + quotaBytes.getAsLong());
        }
    }

    /** Without a quota: the element may fill its file system. */
    public static LocalStorageSettings of(StorageElementId id, Mode mode, Path path, int priority) {
        return new LocalStorageSettings(id, mode, path, priority, OptionalLong.empty());
    }
}
