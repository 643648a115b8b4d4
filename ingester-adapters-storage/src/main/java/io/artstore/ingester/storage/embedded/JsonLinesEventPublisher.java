package io.artstore.ingester.storage.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.formats.AttributesJson;
import io.artstore.ingester.formats.FileEventAttributesJson;
import io.artstore.ingester.storage.fs.DurableFiles;
import io.artstore.ingester.storage.fs.Fsync;
import io.artstore.ingester.storage.fs.GroupCommit;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * File events appended to a local file, one JSON object per line ({@code type}, {@code file_id},
 * {@code storage_element_id}, {@code mode}, {@code size}, {@code checksum}, {@code at}, {@code vector_clock} once
 * stamped, and the file's {@code attributes} ({@link FileEventAttributesJson}) when the event has them). Each event is on
 * disk before {@link #publish} returns. Events from concurrent callers are written one at a time and share their
 * fsyncs: each is written under the instance's lock and forced after it, one force covering every event written
 * while the previous one ran (group commit, see {@link GroupCommit}).
 *
 * <p>It remembers which (file, type) pairs the file holds, read once at open, to answer {@link #published}, and the
 * clock of each file's events merged ({@link #lastClock}), so that the event, durable already, is what makes a
 * file's last change durable (see {@link EventLogFileClocks}); that costs memory in proportion to the files, which
 * an embedded deployment can afford.
 *
 * <p>An event is written with its newline in one write, so a crash can leave only a last line without its
 * newline: that torn tail is cut off at open, and the next event starts a line of its own. A line that ends
 * with its newline and holds no event was damaged after it was written: opening stops with the file and the
 * offset, unless {@link LogOptions#salvage}, which drops such lines from the file after keeping a copy of it
 * ({@code <name>.damaged-<millis>}).
 */
public final class JsonLinesEventPublisher implements EventPublisher, AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(JsonLinesEventPublisher.class.getName());

    private final Path file;
    private final FileChannel channel;
    private final Set<String> publishedKeys;
    /** Per file id, the merged clocks of its events. */
    private final Map<String, VectorClock> clocks;

    private final GroupCommit commits;

    private JsonLinesEventPublisher(Path file, FileChannel channel, Set<String> publishedKeys, Map<String, VectorClock> clocks,
            Fsync fsync) {
        this.file = file;
        this.channel = channel;
        this.publishedKeys = publishedKeys;
        this.clocks = clocks;
        this.commits = new GroupCommit(() -> fsync.force(channel, file, false), true);
    }

    /**
     * Opens the file for appending, creating it and its folder if needed.
     *
     * @throws UncheckedIOException when the file cannot be opened
     */
    public static JsonLinesEventPublisher open(Path file) {
        return open(file, LogOptions.DEFAULT);
    }

    /**
     * Opens the file for appending, creating it and its folder if needed; a torn last line is cut off.
     *
     * @throws IngestException {@code INTERNAL} ({@code event_log_corrupt}) naming the file and offset when a
     *     line before the tail holds no event and not {@link LogOptions#salvage}
     * @throws UncheckedIOException when the file cannot be opened
     */
    public static JsonLinesEventPublisher open(Path file, LogOptions options) {
        return open(file, options, Fsync.REAL);
    }

    /** {@link #open(Path, LogOptions)}, forcing the events with {@code fsync} (tests count or hold forces). */
    public static JsonLinesEventPublisher open(Path file, LogOptions options, Fsync fsync) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        try {
            DurableFiles.createFolders(absolute.getParent());
            Map<String, VectorClock> clocks = new HashMap<>();
            Set<String> keys = readKeys(absolute, options.salvage(), clocks);
            FileChannel channel = FileChannel.open(absolute,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            DurableFiles.forceFolder(absolute.getParent());
            return new JsonLinesEventPublisher(absolute, channel, keys, clocks, fsync);
        } catch (CorruptLogException e) {
            throw new IngestException(Kind.INTERNAL, "event_log_corrupt", e.getMessage() + "; have an operator look at"
                    + " it, then start once with logs.salvage=on to skip the damaged lines", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the events file " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(FileEvent event) {
        ByteBuffer line = ByteBuffer.wrap(toLine(event));
        try {
            synchronized (this) {
                while (line.hasRemaining()) {
                    channel.write(line);
                }
            }
            commits.awaitDurable();
            synchronized (this) {
                publishedKeys.add(key(event.fileId().toString(), event.type().wireName()));
                if (event.clock().size() > 0) {
                    clocks.merge(event.fileId().toString(), event.clock(), VectorClock::merge);
                }
            }
        } catch (IOException e) {
            throw new IngestException(Kind.INTERNAL, "event_write_failed", "the " + event.type().wireName()
                    + " event of file " + event.fileId() + " cannot be written to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The merged clocks of the file's events published (and durable), or empty when none carried a clock. */
    public synchronized Optional<VectorClock> lastClock(FileId fileId) {
        return Optional.ofNullable(clocks.get(fileId.toString()));
    }

    /** Forgets the file's clock, e.g. once the file no longer exists. */
    public synchronized void forgetClock(FileId fileId) {
        clocks.remove(fileId.toString());
    }

    /** Forgets the clocks of the files {@code keep} rejects, e.g. files that no longer exist. */
    public synchronized void retainClocks(Predicate<FileId> keep) {
        clocks.keySet().removeIf(fileId -> {
            try {
                return !keep.test(FileId.parse(fileId));
            } catch (IllegalArgumentException notAFileId) {
                return true;
            }
        });
    }

    @Override
    public synchronized boolean published(FileId fileId, FileEvent.Type type) {
        return publishedKeys.contains(key(fileId.toString(), type.wireName()));
    }

    private static String key(String fileId, String type) {
        return type + ' ' + fileId;
    }

    /**
     * The (file, type) pairs of the events in the file. A last line without its newline (the process died while
     * writing it) was never published: it is cut off. When salvaging, damaged lines are dropped from the file
     * after a copy of it is kept.
     */
    private static Set<String> readKeys(Path file, boolean salvage, Map<String, VectorClock> clocks) throws IOException {
        Set<String> keys = new HashSet<>();
        if (!Files.exists(file)) {
            return keys;
        }
        long lineStart = 0;
        List<long[]> damaged = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            long offset = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                offset++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                Optional<String> key = keyOf(line.toByteArray(), clocks);
                if (key.isPresent()) {
                    keys.add(key.get());
                } else if (!salvage) {
                    throw new CorruptLogException("event log", file, lineStart, "a whole line that holds no event;"
                            + " the file was damaged after it was written, not cut short by a crash");
                } else {
                    damaged.add(new long[] {lineStart, offset});
                }
                line.reset();
                lineStart = offset;
            }
        }
        if (line.size() > 0) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(lineStart);
                channel.force(true);
            }
            LOG.log(Level.WARNING, "Event log {0}: cut off a torn last line of {1} bytes, left by a crash while it was"
                    + " written", file, line.size());
        }
        if (!damaged.isEmpty()) {
            dropDamagedLines(file, damaged);
        }
        return keys;
    }

    /** Keeps a copy of the damaged file, then replaces it by its good lines (copy, fsync, rename, fsync). */
    private static void dropDamagedLines(Path file, List<long[]> damaged) throws IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
        Files.copy(file, copy);
        Path salvaged = file.resolveSibling(file.getFileName() + ".salvaged");
        Files.deleteIfExists(salvaged);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(salvaged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long from = 0;
            for (long[] range : damaged) {
                copyRange(in, from, range[0], out);
                from = range[1];
            }
            copyRange(in, from, in.size(), out);
            out.force(true);
        }
        try (FileChannel kept = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            kept.force(true);
        }
        DurableFiles.moveAtomically(salvaged, file);
        DurableFiles.forceFolder(file.getParent());
        LOG.log(Level.WARNING, "Event log {0}: salvage dropped {1} damaged lines; the damaged file is kept as {2}",
                file, damaged.size(), copy);
    }

    private static void copyRange(FileChannel in, long from, long to, FileChannel out) throws IOException {
        for (long at = from; at < to; ) {
            at += in.transferTo(at, to - at, out);
        }
    }

    /** The event's key, its clock merged into {@code clocks}; empty when the line holds no event. */
    private static Optional<String> keyOf(byte[] line, Map<String, VectorClock> clocks) {
        try {
            JsonNode node = MAPPER.readTree(line);
            if (node != null && node.isObject() && node.hasNonNull("type") && node.hasNonNull("file_id")) {
                String fileId = node.get("file_id").asText();
                if (node.hasNonNull("vector_clock")) {
                    try {
                        clocks.merge(fileId, VectorClock.parseSaturating(node.get("vector_clock").asText()), VectorClock::merge);
                    } catch (IllegalArgumentException unreadable) {
                        // The event stands; only its clock is not taken in.
                    }
                }
                return Optional.of(key(fileId, node.get("type").asText()));
            }
        } catch (IOException notJson) {
            // Not an event.
        }
        return Optional.empty();
    }

    private static byte[] toLine(FileEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", event.type().wireName());
        node.put("file_id", event.fileId().toString());
        node.put("storage_element_id", event.elementId().value());
        node.put("mode", event.mode().wireName());
        node.put("size", event.size());
        node.put("checksum", event.checksum().hex());
        node.put("at", AttributesJson.timestamp(event.at()));
        if (event.clock().size() > 0) {
            node.put("vector_clock", event.clock().toText());
        }
        event.attributes().ifPresent(file -> node.set("attributes", FileEventAttributesJson.toJson(file)));
        try {
            byte[] json = MAPPER.writeValueAsBytes(node);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event as JSON", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the events file " + file, e);
        }
    }
}
