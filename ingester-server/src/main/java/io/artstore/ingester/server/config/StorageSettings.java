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

    // --- transfers and vector clocks ---

    /** The transfer log. */
    public Path transactionsDir() {
        return dataDir.resolve("transactions");
    }

    /** Per-file operation locks. */
    public Path locksDir() {
        return dataDir.resolve("locks");
    }

    /** This instance's vector clock; the last-change clock of each file under {@code files/}. */
    public Path clockDir() {
        return dataDir.resolve("clock");
    }

    /** The generated node id, when none is configured. */
    public Path nodeIdFile() {
        return dataDir.resolve("node-id");
    }

    // --- end of transfers and vector clocks ---

    /** Where uploads whose file part precedes their fields wait until the fields are read. */
    public Path spoolDir() {
        return dataDir.resolve("spool");
    }
}
