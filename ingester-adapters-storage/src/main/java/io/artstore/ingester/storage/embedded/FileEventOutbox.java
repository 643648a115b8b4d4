package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.core.port.out.OutboxStatus;
import io.artstore.ingester.formats.OutboxEventJson;
import io.artstore.ingester.storage.fs.DurableFiles;
import io.artstore.ingester.storage.fs.Fsync;
import io.artstore.ingester.storage.fs.GroupCommit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The embedded outbox: events appended to segment files in a folder of their own, one JSON object per line
 * ({@link OutboxEventJson} plus a sequence number {@code seq}), each forced to disk before {@link #append} returns
 * (concurrent appends share their fsyncs, see {@link GroupCommit}).
 *
 * <p>Compaction: a segment ({@code events-<first seq>.jsonl}) is closed after {@code segmentEvents} events and
 * deleted once every event in it is acknowledged. The highest sequence number below which everything is
 * acknowledged is kept in {@code acknowledged}, replaced atomically but not forced: after a power cut it may be
 * behind, and the events after it are sent again, with their event ids, which consumers drop.
 *
 * <p>The waiting events are kept in memory as well (at most about the configured capacity, since the server
 * refuses new operations when it is reached), so that the relay reads no file. A last line without its newline
 * (a crash while it was written: never acknowledged to the saga) is cut off at open; a whole line that holds no
 * entry is skipped with a warning, as the local event log remains the record of what happened.
 */
public final class FileEventOutbox implements EventOutbox, AutoCloseable {

    public static final int DEFAULT_SEGMENT_EVENTS = 4096;

    private static final System.Logger LOG = System.getLogger(FileEventOutbox.class.getName());
    private static final String PREFIX = "events-";
    private static final String SUFFIX = ".jsonl";
    private static final String ACKNOWLEDGED = "acknowledged";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dir;
    private final long capacity;
    private final int segmentEvents;
    private final Fsync fsync;
    private final GroupCommit commits;

    // Guarded by this.
    private FileChannel channel;
    private Path segment;
    private int segmentCount;
    private long nextSeq;
    private long acknowledgedThrough;
    /** First sequence number of each segment, oldest first; the last is the one written to. */
    private final TreeSet<Long> segments;
    /** Durable and not acknowledged: what the relay may send. */
    private final TreeMap<Long, OutboxEvent> waiting = new TreeMap<>();
    /** Written, not yet known durable: neither offered nor passed by the acknowledgement mark. */
    private final TreeSet<Long> writing = new TreeSet<>();

    private FileEventOutbox(Path dir, long capacity, int segmentEvents, Fsync fsync, TreeSet<Long> segments, long nextSeq,
            long acknowledgedThrough) {
        this.dir = dir;
        this.capacity = capacity;
        this.segmentEvents = segmentEvents;
        this.fsync = fsync;
        this.segments = segments;
        this.nextSeq = nextSeq;
        this.acknowledgedThrough = acknowledgedThrough;
        this.commits = new GroupCommit(this::forceCurrent, true);
    }

    /**
     * Opens the outbox in {@code dir}, creating it if needed, with the events not yet acknowledged.
     *
     * @param capacity how many waiting events make {@link #status()} full
     * @throws UncheckedIOException when the folder cannot be read or written
     */
    public static FileEventOutbox open(Path dir, long capacity) {
        return open(dir, capacity, DEFAULT_SEGMENT_EVENTS, Fsync.REAL);
    }

    public static FileEventOutbox open(Path dir, long capacity, int segmentEvents, Fsync fsync) {
        if (capacity < 1 || segmentEvents < 1) {
            throw new IllegalArgumentException("capacity and segment size must be positive");
        }
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            DurableFiles.createFolders(absolute);
            long acknowledged = readAcknowledged(absolute);
            TreeSet<Long> segments = new TreeSet<>();
            try (Stream<Path> files = Files.list(absolute)) {
                files.map(file -> file.getFileName().toString())
                        .filter(name -> name.startsWith(PREFIX) && name.endsWith(SUFFIX))
                        .forEach(name -> segments.add(Long.parseLong(name, PREFIX.length(), name.length() - SUFFIX.length(), 10)));
            }
            TreeMap<Long, OutboxEvent> waiting = new TreeMap<>();
            long next = Math.max(1, acknowledged + 1);
            for (long first : segments) {
                next = Math.max(next, readSegment(absolute.resolve(name(first)), first == segments.last(), acknowledged, waiting));
            }
            FileEventOutbox outbox = new FileEventOutbox(absolute, capacity, segmentEvents, fsync, segments, next, acknowledged);
            outbox.waiting.putAll(waiting);
            synchronized (outbox) {
                outbox.compact();
                outbox.openSegment(segments.isEmpty() ? next : segments.last(), segments.isEmpty() ? 0 : -1);
            }
            return outbox;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the outbox in " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void append(OutboxEvent event) {
        long seq;
        try {
            synchronized (this) {
                if (segmentCount >= segmentEvents) {
                    roll();
                }
                seq = nextSeq++;
                byte[] line = lineOf(event, seq);
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                segmentCount++;
                writing.add(seq);
            }
            commits.awaitDurable();
        } catch (IOException e) {
            throw new IngestException(Kind.UNAVAILABLE, "outbox_write_failed", "the " + event.event().type().wireName()
                    + " event of file " + event.event().fileId() + " cannot be written to the outbox in " + dir + ": "
                    + e.getMessage(), e);
        }
        synchronized (this) {
            writing.remove(seq);
            waiting.put(seq, event.at(Long.toString(seq)));
        }
    }

    @Override
    public synchronized List<OutboxEvent> oldest(int max) {
        List<OutboxEvent> events = new ArrayList<>(Math.min(max, waiting.size()));
        for (OutboxEvent event : waiting.values()) {
            if (events.size() >= max) {
                break;
            }
            events.add(event);
        }
        return events;
    }

    @Override
    public void acknowledge(List<OutboxEvent> sent) {
        synchronized (this) {
            for (OutboxEvent event : sent) {
                event.position().ifPresent(position -> waiting.remove(Long.parseLong(position)));
            }
            long floor = nextSeq;
            if (!waiting.isEmpty()) {
                floor = Math.min(floor, waiting.firstKey());
            }
            if (!writing.isEmpty()) {
                floor = Math.min(floor, writing.first());
            }
            if (floor - 1 <= acknowledgedThrough) {
                return;
            }
            acknowledgedThrough = floor - 1;
            try {
                Path temp = dir.resolve(ACKNOWLEDGED + ".tmp");
                Files.writeString(temp, Long.toString(acknowledgedThrough), StandardCharsets.US_ASCII);
                Files.move(temp, dir.resolve(ACKNOWLEDGED), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                compact();
            } catch (IOException e) {
                // The events are sent; keeping the mark behind only sends them again after a restart.
                LOG.log(Level.WARNING, "Outbox {0}: cannot record the acknowledged events: {1}", dir, e.getMessage());
            }
        }
    }

    @Override
    public synchronized OutboxStatus status() {
        Optional<Instant> oldest = waiting.isEmpty() ? Optional.empty() : Optional.of(waiting.firstEntry().getValue().enqueuedAt());
        return new OutboxStatus(waiting.size() + writing.size(), capacity, oldest);
    }

    /** Segment files on disk, for tests of compaction. */
    public synchronized int segmentFiles() {
        return segments.size();
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the outbox segment " + segment, e);
        }
    }

    /** Deletes the segments, other than the one written to, whose every event is acknowledged. */
    private void compact() throws IOException {
        while (segments.size() > 1) {
            long first = segments.first();
            Long following = segments.higher(first);
            if (following == null || following - 1 > acknowledgedThrough) {
                return;
            }
            Files.deleteIfExists(dir.resolve(name(first)));
            segments.remove(first);
        }
    }

    private void roll() throws IOException {
        // What was written to the closing segment must be durable before anyone waits on the next one's force.
        fsync.force(channel, segment, false);
        channel.close();
        openSegment(nextSeq, 0);
    }

    private void openSegment(long first, int count) throws IOException {
        segment = dir.resolve(name(first));
        boolean created = !Files.exists(segment);
        channel = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segments.add(first);
        segmentCount = count >= 0 ? count : countLines(segment);
        if (created) {
            DurableFiles.forceFolder(dir);
        }
    }

    private void forceCurrent() throws IOException {
        while (true) {
            FileChannel current;
            Path file;
            synchronized (this) {
                current = channel;
                file = segment;
            }
            try {
                fsync.force(current, file, false);
                return;
            } catch (ClosedChannelException e) {
                synchronized (this) {
                    if (channel == current) {
                        throw e;
                    }
                }
                // Rolled over meanwhile: the closed segment was forced before it was closed; force the new one.
            }
        }
    }

    private static byte[] lineOf(OutboxEvent event, long seq) {
        var node = OutboxEventJson.toJson(event);
        node.put("seq", seq);
        byte[] json = node.toString().getBytes(StandardCharsets.UTF_8);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private static String name(long first) {
        return String.format("%s%020d%s", PREFIX, first, SUFFIX);
    }

    private static long readAcknowledged(Path dir) throws IOException {
        Path file = dir.resolve(ACKNOWLEDGED);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            LOG.log(Level.WARNING, "Outbox {0}: unreadable acknowledgement mark {1}; sending every kept event again", dir, text);
            return 0;
        }
    }

    /** Reads one segment's entries after {@code acknowledged} into {@code into}; returns the next sequence number. */
    private static long readSegment(Path file, boolean last, long acknowledged, Map<Long, OutboxEvent> into) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long next = 0;
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            byte[] line = Arrays.copyOfRange(bytes, start, i);
            start = i + 1;
            try {
                JsonNode node = MAPPER.readTree(line);
                long seq = node.path("seq").asLong(-1);
                OutboxEvent event = OutboxEventJson.fromJson(node);
                if (seq < 1) {
                    throw new IllegalArgumentException("no seq");
                }
                next = Math.max(next, seq + 1);
                if (seq > acknowledged) {
                    into.put(seq, event.at(Long.toString(seq)));
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.log(Level.WARNING, "Outbox {0}: skipped a damaged line at offset {1}: {2}", file, start, e.getMessage());
            }
        }
        if (start < bytes.length) {
            if (!last) {
                LOG.log(Level.WARNING, "Outbox {0}: a closed segment ends without a newline; its last line is skipped", file);
            } else {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(start);
                    channel.force(true);
                }
                LOG.log(Level.WARNING, "Outbox {0}: cut off a torn last line of {1} bytes, left by a crash while it was"
                        + " written", file, bytes.length - start);
            }
        }
        return next;
    }

    private static int countLines(Path file) throws IOException {
        int lines = 0;
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }
}
