package io.artstore.ingester.storage.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The registry's outbox: calls to the admin module, kept in one append-only file until they are delivered. Each
 * record is a frame (4-byte length, 4-byte CRC-32, JSON): {@code add} an entry, mark it {@code done}, or mark it
 * {@code failed} for good. An {@code add} is forced to disk before {@link #append} returns; a lost {@code done}
 * only makes the relay send the call again, which the admin module takes idempotently. A torn last frame (a crash
 * during a write) is cut off at open. The file is rewritten with only the live entries at open and whenever
 * nothing is pending, so it stays small.
 */
final class RegistryOutbox implements AutoCloseable {

    static final String FILE_NAME = "outbox.log";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FRAME = 16 * 1024 * 1024;
    /** Below this size the file is not worth rewriting. */
    private static final long COMPACT_ABOVE_BYTES = 256 * 1024;

    /** What a call does at the admin module. */
    enum Kind {
        REGISTER, FINALIZE, DELETE;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /** One call to make: its body is the JSON the admin module gets (for a delete, the reason). */
    record Entry(long seq, Kind kind, String fileId, Instant enqueuedAt, JsonNode body) {
        Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(fileId, "fileId");
            Objects.requireNonNull(enqueuedAt, "enqueuedAt");
            Objects.requireNonNull(body, "body");
        }
    }

    /** An entry given up on, and why. */
    record Failed(Entry entry, String error, Instant at) {}

    private final Path file;
    private final TreeMap<Long, Entry> pending = new TreeMap<>();
    private final TreeMap<Long, Failed> failed = new TreeMap<>();
    private FileChannel channel;
    private long lastSeq;

    private RegistryOutbox(Path file) {
        this.file = file;
    }

    /** Opens the outbox in {@code folder}, reading back what a previous run left. */
    static RegistryOutbox open(Path folder) {
        try {
            DurableFiles.createFolders(folder);
            RegistryOutbox outbox = new RegistryOutbox(folder.resolve(FILE_NAME));
            outbox.load();
            outbox.rewrite();
            return outbox;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the registry outbox in " + folder.toAbsolutePath(), e);
        }
    }

    /** Keeps the call durably; returns its entry. */
    synchronized Entry append(Kind kind, String fileId, JsonNode body, Instant now) {
        Entry entry = new Entry(lastSeq + 1, kind, fileId, now, body);
        ObjectNode record = JSON.createObjectNode().put("op", "add").put("seq", entry.seq()).put("kind", kind.wireName())
                .put("file_id", fileId).put("at", now.toString());
        record.set("body", body);
        write(record, true);
        lastSeq = entry.seq();
        pending.put(entry.seq(), entry);
        return entry;
    }

    /** The oldest entry not yet delivered. */
    synchronized Optional<Entry> head() {
        return pending.isEmpty() ? Optional.empty() : Optional.of(pending.firstEntry().getValue());
    }

    synchronized void markDone(long seq) {
        if (pending.remove(seq) != null) {
            write(JSON.createObjectNode().put("op", "done").put("seq", seq), false);
            compactIfIdle();
        }
    }

    synchronized void markFailed(long seq, String error, Instant now) {
        Entry entry = pending.remove(seq);
        if (entry != null) {
            write(JSON.createObjectNode().put("op", "failed").put("seq", seq).put("error", error).put("at", now.toString()), true);
            failed.put(seq, new Failed(entry, error, now));
            compactIfIdle();
        }
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    synchronized List<Entry> pending() {
        return List.copyOf(pending.values());
    }

    synchronized List<Failed> failed() {
        return List.copyOf(failed.values());
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the registry outbox " + file, e);
        }
    }

    // --- The file ---

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.remaining() >= 8) {
            int length = buffer.getInt();
            long crc = Integer.toUnsignedLong(buffer.getInt());
            if (length <= 0 || length > MAX_FRAME || length > buffer.remaining()) {
                break; // a torn or damaged tail: what follows was never acknowledged
            }
            byte[] payload = new byte[length];
            buffer.get(payload);
            CRC32 check = new CRC32();
            check.update(payload);
            if (check.getValue() != crc) {
                break;
            }
            apply(JSON.readTree(payload));
        }
    }

    private void apply(JsonNode record) {
        long seq = record.path("seq").asLong();
        lastSeq = Math.max(lastSeq, seq);
        switch (record.path("op").asText()) {
            case "add" -> pending.put(seq, new Entry(seq, Kind.parse(record.path("kind").asText()),
                    record.path("file_id").asText(), Instant.parse(record.path("at").asText()), record.path("body")));
            case "done" -> pending.remove(seq);
            case "failed" -> {
                Entry entry = pending.remove(seq);
                if (entry != null) {
                    failed.put(seq, new Failed(entry, record.path("error").asText(), Instant.parse(record.path("at").asText())));
                }
            }
            default -> throw new IllegalStateException("registry outbox " + file + ": unknown record " + record);
        }
    }

    private void compactIfIdle() {
        try {
            if (pending.isEmpty() && channel.size() > COMPACT_ABOVE_BYTES) {
                rewrite();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact the registry outbox " + file, e);
        }
    }

    /** Replaces the file atomically with the live entries only, keeping the sequence. */
    private void rewrite() throws IOException {
        if (channel != null) {
            channel.close();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<JsonNode> records = new ArrayList<>();
        List<Entry> live = new ArrayList<>(pending.values());
        failed.values().forEach(each -> live.add(each.entry()));
        live.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        for (Entry entry : live) {
            ObjectNode record = JSON.createObjectNode().put("op", "add").put("seq", entry.seq())
                    .put("kind", entry.kind().wireName()).put("file_id", entry.fileId()).put("at", entry.enqueuedAt().toString());
            record.set("body", entry.body());
            records.add(record);
        }
        for (Failed each : failed.values()) {
            records.add(JSON.createObjectNode().put("op", "failed").put("seq", each.entry().seq()).put("error", each.error())
                    .put("at", each.at().toString()));
        }
        if (live.isEmpty()) {
            // Keeps the sequence going, so that a new entry never takes the number of one delivered before.
            records.add(JSON.createObjectNode().put("op", "done").put("seq", lastSeq));
        }
        for (JsonNode record : records) {
            out.write(frame(record).array());
        }
        DurableFiles.replace(file, out.toByteArray(), file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void write(JsonNode record, boolean force) {
        try {
            ByteBuffer frame = frame(record);
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the registry outbox " + file, e);
        }
    }

    private static ByteBuffer frame(JsonNode record) {
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write an outbox record as JSON", e);
        }
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer frame = ByteBuffer.allocate(8 + payload.length);
        frame.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        return frame;
    }
}
