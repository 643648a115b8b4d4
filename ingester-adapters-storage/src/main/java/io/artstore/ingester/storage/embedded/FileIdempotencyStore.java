package io.artstore.ingester.storage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.out.StepRecord;
import io.artstore.ingester.core.port.out.StepRecordStore;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The saga participant's idempotency records in a folder, one small JSON file per (saga id, step) named by the
 * SHA-256 of the two, holding both actions ({@link StepRecord}). Each change is written to a temporary file,
 * forced and renamed into place before it is acknowledged, so that a crash never forgets a reply or a claim.
 * One process uses the folder (the data folder's lock); changes are serialised in it. Records older than the
 * retention are deleted at start and every so often.
 */
public final class FileIdempotencyStore extends StepRecordStore {

    private static final int PRUNE_EVERY = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final Path temporary;
    private final Duration retention;
    private final Clock clock;
    private int sincePrune;

    private FileIdempotencyStore(Path folder, Duration retention, Clock clock) {
        this.folder = folder;
        this.temporary = folder.resolve(".tmp");
        this.retention = retention;
        this.clock = clock;
    }

    /** @param retention how long a step's record is kept after its first command arrived */
    public static FileIdempotencyStore open(Path folder, Duration retention, Clock clock) {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(clock, "clock");
        FileIdempotencyStore store = new FileIdempotencyStore(folder, retention, clock);
        try {
            DurableFiles.createFolders(store.temporary);
            DurableFiles.emptyFolder(store.temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder " + folder.toAbsolutePath(), e);
        }
        store.prune();
        return store;
    }

    @Override
    protected synchronized <T> T change(CommandKey key, Function<StepRecord, StepRecord.Change<T>> operation) {
        Path file = folder.resolve(name(key));
        try {
            StepRecord current = read(file).orElseGet(() -> StepRecord.none(clock.instant()));
            StepRecord.Change<T> change = operation.apply(current);
            if (change.next().isPresent()) {
                DurableFiles.replace(file, write(key, change.next().get()), temporary);
            }
            if (++sincePrune >= PRUNE_EVERY) {
                sincePrune = 0;
                prune();
            }
            return change.answer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the idempotency record of " + key + " in "
                    + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<StepRecord> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode json = JSON.readTree(bytes);
        return Optional.of(new StepRecord(slot(json.get("execute")), slot(json.get("compensate")),
                Instant.ofEpochMilli(json.get("created_at").asLong())));
    }

    private static Optional<StepRecord.Slot> slot(JsonNode json) {
        if (json == null || json.isNull()) {
            return Optional.empty();
        }
        JsonNode reply = json.get("reply");
        return Optional.of(new StepRecord.Slot(json.get("owner").asText(), Instant.ofEpochMilli(json.get("lease_until").asLong()),
                reply == null || reply.isNull() ? Optional.empty() : Optional.of(reply.asText()),
                json.path("delivered").asBoolean(false)));
    }

    private static byte[] write(CommandKey key, StepRecord record) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("saga_id", key.sagaId());
        json.put("step", key.step());
        json.put("created_at", record.createdAt().toEpochMilli());
        json.set("execute", slotJson(record.execute()));
        json.set("compensate", slotJson(record.compensate()));
        return JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode slotJson(Optional<StepRecord.Slot> slot) {
        if (slot.isEmpty()) {
            return JSON.nullNode();
        }
        ObjectNode json = JSON.createObjectNode();
        json.put("owner", slot.get().owner());
        json.put("lease_until", slot.get().leaseUntil().toEpochMilli());
        json.put("reply", slot.get().reply().orElse(null));
        json.put("delivered", slot.get().delivered());
        return json;
    }

    /** Deletes the records whose retention has passed. */
    public synchronized void prune() {
        Instant oldest = clock.instant().minus(retention);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path file : files) {
                try {
                    Optional<StepRecord> record = read(file);
                    if (record.isPresent() && record.get().createdAt().isBefore(oldest)) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException | RuntimeException e) {
                    // An unreadable record stays; it is reported when its step is used.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder.toAbsolutePath(), e);
        }
    }

    private static String name(CommandKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.stepKey().getBytes(StandardCharsets.UTF_8))) + ".json";
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
