package io.artstore.ingester.server.config;

import io.artstore.ingester.storage.http.HttpStorageSettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The data folder (catalogue, events, upload spool, embedded elements) and the storage elements: local ones
 * (a folder in the ArtStore layout) and remote ones reached over the SE's HTTP API.
 *
 * @param serviceAccount the default account of remote elements, kept to show it (masked) in the status
 * @param salvageLogs open embedded logs damaged before their tail by keeping what is readable
 *     ({@code logs.salvage}); off, such a log stops start-up
 */
public record StorageSettings(Path dataDir, List<StorageElementSettings> elements, List<HttpStorageSettings> httpElements,
        ServiceAccountSettings serviceAccount, boolean salvageLogs) {

    public static final int DEFAULT_PRIORITY = 100;

    public StorageSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        elements = List.copyOf(elements);
        httpElements = List.copyOf(httpElements);
        if (elements.isEmpty() && httpElements.isEmpty()) {
            throw new IllegalArgumentException("at least one storage element is needed");
        }
        Set<String> ids = new HashSet<>();
        for (StorageElementSettings element : elements) {
            if (!ids.add(element.id().value())) {
                throw new IllegalArgumentException("storage element id '" + element.id() + "' is used twice");
            }
        }
        for (HttpStorageSettings element : httpElements) {
            if (!ids.add(element.id().value())) {
                throw new IllegalArgumentException("storage element id '" + element.id() + "' is used twice");
            }
        }
    }

    /** Local elements only. */
    public StorageSettings(Path dataDir, List<StorageElementSettings> elements) {
        this(dataDir, elements, List.of(), ServiceAccountSettings.NONE);
    }

    /** Damaged logs stop start-up. */
    public StorageSettings(Path dataDir, List<StorageElementSettings> elements, List<HttpStorageSettings> httpElements,
            ServiceAccountSettings serviceAccount) {
        this(dataDir, elements, httpElements, serviceAccount, false);
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
