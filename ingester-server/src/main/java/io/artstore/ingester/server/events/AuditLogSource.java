package io.artstore.ingester.server.events;

import io.artstore.ingester.storage.audit.AuditLogTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log as a relay's source: its lines after the last one the broker acknowledged, whose sequence number
 * is kept in a cursor file, so that a restarted relay goes on where it stopped. The file is replaced atomically
 * but not forced: after a power cut it may be behind, and the lines after it are sent again with the same
 * {@code event_id}. The log file stays the record; the topic is a copy.
 */
final class AuditLogSource implements Relay.Source<AuditLogTail.Line> {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLogSource.class);

    private final AuditLogTail tail;
    private final Path cursorFile;
    private long acknowledged;
    private long lastSeen;

    AuditLogSource(Path auditFolder, Path cursorFile) {
        this.tail = new AuditLogTail(auditFolder);
        this.cursorFile = Objects.requireNonNull(cursorFile, "cursorFile");
        this.acknowledged = readCursor(cursorFile);
        this.lastSeen = acknowledged;
    }

    @Override
    public synchronized List<AuditLogTail.Line> oldest(int max) {
        List<AuditLogTail.Line> lines = tail.after(acknowledged, max);
        if (!lines.isEmpty()) {
            lastSeen = Math.max(lastSeen, lines.get(lines.size() - 1).seq());
        }
        return lines;
    }

    @Override
    public synchronized void acknowledge(List<AuditLogTail.Line> sent) {
        if (sent.isEmpty()) {
            return;
        }
        acknowledged = Math.max(acknowledged, sent.get(sent.size() - 1).seq());
        try {
            Files.createDirectories(cursorFile.getParent());
            Path temp = cursorFile.resolveSibling(cursorFile.getFileName() + ".tmp");
            Files.writeString(temp, Long.toString(acknowledged), StandardCharsets.US_ASCII);
            Files.move(temp, cursorFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("cannot record that audit lines up to {} were sent ({}): they may be sent again after a restart",
                    acknowledged, e.toString());
        }
    }

    @Override
    public synchronized long depth() {
        return Math.max(0, lastSeen - acknowledged);
    }

    /** The last sequence number the broker acknowledged. */
    synchronized long acknowledged() {
        return acknowledged;
    }

    private static long readCursor(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit relay's cursor " + file, e);
        } catch (NumberFormatException e) {
            LOG.warn("the audit relay's cursor {} is unreadable; the whole audit log is sent again", file);
            return 0;
        }
    }
}
