package io.artstore.ingester.server.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The data folder (catalogue, events, upload spool, embedded elements) and the storage elements.
 */
public record StorageSettings(Path dataDir, List<StorageElementSettings> elements) {

    public static final int DEFAULT_PRIORITY = 100;

    public StorageSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        elements = List.copyOf(elements);
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("at least one storage element is needed");
        }
        Set<String> ids = new HashSet<>();
        for (StorageElementSettings element : elements) {
            if (!ids.add(element.id().value())) {
                throw new IllegalArgumentException("storage element id '" + element.id() + "' is used twice");
            }
        }
    }

    public Path catalogDir() {
        return dataDir.resolve("catalog");
    }

    public Path eventsFile() {
        return dataDir.resolve("events").resolve("events.jsonl");
    }

    /** The embedded saga log, shared by the instances that use this data folder. */
    public Path sagasDir() {
        return dataDir.resolve("sagas");
    }

    /** Per-file operation locks. */
    public Path locksDir() {
        return dataDir.resolve("locks");
    }

    /** Where uploads whose file part precedes their fields wait until the fields are read. */
    public Path spoolDir() {
        return dataDir.resolve("spool");
    }
}
