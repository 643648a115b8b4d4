package io.artstore.ingester.storage.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads the audit log's lines as they are written, for a relay that copies them elsewhere: the complete lines
 * (ending with their newline) after a given sequence number, across the log's files in order. Remembers where it
 * stopped, so that following the log costs only what was added. Not thread-safe: one reader.
 */
public final class AuditLogTail {

    /** One line of the log: its sequence number, {@code record} or {@code checkpoint}, and its bytes without the newline. */
    public record Line(long seq, String type, byte[] bytes) {
        public Line {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 * 1024;

    private final Path folder;
    /** Where reading goes on: a file, the offset of its first unread line, and the seq of the line before it. */
    private Path file;
    private long offset;
    private long seqBefore;

    public AuditLogTail(Path folder) {
        this.folder = Objects.requireNonNull(folder, "folder");
    }

    /**
     * Up to {@code max} complete lines whose sequence number is above {@code afterSeq}, oldest first. A line that
     * cannot be read as JSON with a {@code seq} ends the read there (the verifier is the one to judge it).
     */
    public List<Line> after(long afterSeq, int max) {
        try {
            List<Path> files = FileAuditTrail.logFiles(folder);
            if (file == null || afterSeq < seqBefore || !files.contains(file)) {
                // From the beginning: the first read, a reader going back, or files gone under it.
                file = files.isEmpty() ? null : files.get(0);
                offset = 0;
                seqBefore = 0;
            }
            List<Line> lines = new ArrayList<>();
            while (file != null && lines.size() < max) {
                boolean clean = readFrom(afterSeq, max, lines);
                if (!clean || lines.size() >= max) {
                    break;
                }
                int index = files.indexOf(file);
                if (index < 0 || index + 1 >= files.size()) {
                    break;
                }
                file = files.get(index + 1);
                offset = 0;
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Reads complete lines of the current file from the offset; false when it stopped on an unreadable line. */
    private boolean readFrom(long afterSeq, int max, List<Line> into) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] pending = new byte[0];
            long position = offset;
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            while (into.size() < max) {
                buffer.clear();
                int read = channel.read(buffer, position + pending.length);
                if (read <= 0) {
                    return true;
                }
                byte[] data = Arrays.copyOf(pending, pending.length + read);
                System.arraycopy(buffer.array(), 0, data, pending.length, read);
                int start = 0;
                for (int i = 0; i < data.length && into.size() < max; i++) {
                    if (data[i] != '\n') {
                        continue;
                    }
                    byte[] line = Arrays.copyOfRange(data, start, i);
                    JsonNode node;
                    try {
                        node = JSON.readTree(line);
                    } catch (IOException e) {
                        node = null;
                    }
                    if (node == null || !node.path("seq").canConvertToLong()) {
                        offset = position + start;
                        return false;
                    }
                    long seq = node.path("seq").asLong();
                    if (seq > afterSeq) {
                        into.add(new Line(seq, node.path("type").asText("record"), line));
                    }
                    seqBefore = seq;
                    start = i + 1;
                }
                position += start;
                offset = position;
                pending = Arrays.copyOfRange(data, start, data.length);
            }
            return true;
        }
    }
}
