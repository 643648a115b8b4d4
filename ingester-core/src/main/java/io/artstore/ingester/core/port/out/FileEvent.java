package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A change to a file that other services may want to know of.
 *
 * @param clock the publishing instance's vector clock at the change, to order one file's events across
 *     instances; empty until the publisher stamps it
 */
public record FileEvent(
        Type type, FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum, Instant at,
        VectorClock clock) {

    public enum Type {
        FILE_ADDED,
        FILE_DELETED,
        /** An earlier {@code FILE_ADDED} no longer holds: the add was undone. */
        FILE_ADD_RETRACTED,
        /** The file moved from an {@code edit} to an {@code rw} storage element, keeping its id. */
        FILE_TRANSFERRED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FileEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(elementId, "elementId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(clock, "clock");
    }

    /** An event not yet stamped with a vector clock. */
    public FileEvent(Type type, FileId fileId, StorageElementId elementId, Mode mode, long size, Sha256 checksum, Instant at) {
        this(type, fileId, elementId, mode, size, checksum, at, VectorClock.empty());
    }

    public FileEvent withClock(VectorClock stamped) {
        return new FileEvent(type, fileId, elementId, mode, size, checksum, at, stamped);
    }
}
