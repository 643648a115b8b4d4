package io.artstore.ingester.storage.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.AuditTrail;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The audit trail as append-only JSON-lines files forming one hash chain: each line carries the previous line's
 * hash ({@code prev}) and its own ({@code hash}); every {@code checkpointEvery} records or {@code checkpointInterval}
 * a checkpoint line (the chain head, the count of lines it covers, the time) is signed with the instance's Ed25519
 * key, forced to disk, and copied to the signed head file {@code audit.head}, which lets the verifier see a log cut
 * short. A file that reached its size limit is closed with a checkpoint and the chain goes on in the next one.
 *
 * <p>Records are written to the file as they come (one {@code write} per line) and forced to disk with each
 * checkpoint: a power cut can lose at most the records since the last checkpoint, never reorder them.
 */
public final class FileAuditTrail implements AuditTrail, AutoCloseable {

    public static final String HEAD_FILE = "audit.head";
    public static final String PUBLIC_KEY_FILE = "audit-public-key.pem";
    static final Pattern FILE_NAME = Pattern.compile("audit-(\\d{6})\\.log");

    private static final System.Logger LOG = System.getLogger(FileAuditTrail.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLogSettings settings;
    private final AuditKeys keys;
    private final String keyFingerprint;
    private final Clock clock;
    private final ScheduledExecutorService checkpoints;
    private FileChannel channel;
    private int fileNumber;
    private long fileBytes;
    private long seq;
    private String lastHash;
    private int uncheckpointed;
    private boolean closed;

    private FileAuditTrail(AuditLogSettings settings, AuditKeys keys, Clock clock, int fileNumber, long seq, String lastHash,
            boolean startNewFile) throws IOException {
        this.settings = settings;
        this.keys = keys;
        this.keyFingerprint = AuditKeys.fingerprint(keys.publicKey());
        this.clock = clock;
        this.seq = seq;
        this.lastHash = lastHash;
        this.fileNumber = startNewFile ? fileNumber + 1 : fileNumber;
        openFile();
        this.checkpoints = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "audit-checkpoint");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(10, settings.checkpointInterval().toMillis());
        checkpoints.scheduleAtFixedRate(this::checkpointIfPending, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the log, continuing its chain. A last file that ends in an incomplete line (a crash while writing it) is
     * left as it is, for the verifier to report, and the chain goes on in a new file.
     *
     * @throws IllegalStateException when the last complete line cannot be read: the chain cannot be continued
     */
    public static FileAuditTrail open(AuditLogSettings settings, Clock clock) {
        try {
            DurableFiles.createFolders(settings.folder());
            AuditKeys keys = AuditKeys.loadOrCreate(settings.privateKeyFile(), settings.folder().resolve(PUBLIC_KEY_FILE));
            List<Path> files = logFiles(settings.folder());
            if (files.isEmpty()) {
                return new FileAuditTrail(settings, keys, clock, 1, 0, AuditLines.GENESIS, false);
            }
            Path last = files.get(files.size() - 1);
            int number = number(last);
            byte[] bytes = Files.readAllBytes(last);
            boolean partialTail = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
            int end = partialTail ? lastIndexOf(bytes, (byte) '\n', bytes.length - 1) + 1 : bytes.length;
            if (end == 0) {
                // An empty file (or only a torn first line): continue from the file before it.
                return files.size() == 1
                        ? new FileAuditTrail(settings, keys, clock, number, 0, AuditLines.GENESIS, partialTail)
                        : continueAfter(settings, keys, clock, files.get(files.size() - 2), number, partialTail);
            }
            int start = lastIndexOf(bytes, (byte) '\n', end - 2) + 1;
            byte[] line = Arrays.copyOfRange(bytes, start, end - 1);
            Tail tail = tail(last, line);
            if (partialTail) {
                LOG.log(Level.ERROR, "the audit log file {0} ends in an incomplete line; it is left as it is and the log goes on in the"
                        + " next file (audit verify reports it)", last);
            }
            return new FileAuditTrail(settings, keys, clock, number, tail.seq(), tail.hash(), partialTail);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log in " + settings.folder(), e);
        }
    }

    private static FileAuditTrail continueAfter(AuditLogSettings settings, AuditKeys keys, Clock clock, Path previous,
            int number, boolean partialTail) throws IOException {
        byte[] bytes = Files.readAllBytes(previous);
        int end = bytes.length;
        if (end == 0 || bytes[end - 1] != '\n') {
            throw new IllegalStateException("the audit log file " + previous + " is damaged at its end; run 'audit verify'"
                    + " and move the damaged files aside to start");
        }
        int start = lastIndexOf(bytes, (byte) '\n', end - 2) + 1;
        Tail tail = tail(previous, Arrays.copyOfRange(bytes, start, end - 1));
        return new FileAuditTrail(settings, keys, clock, number, tail.seq(), tail.hash(), partialTail);
    }

    private record Tail(long seq, String hash) {
    }

    private static Tail tail(Path file, byte[] line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (AuditLines.hashedBody(line).isEmpty() || !node.path("seq").canConvertToLong()) {
                throw new IOException("not a sealed audit line");
            }
            return new Tail(node.path("seq").asLong(), AuditLines.hashOf(line));
        } catch (IOException e) {
            throw new IllegalStateException("the last line of the audit log file " + file + " cannot be read (" + e.getMessage()
                    + "), so its chain cannot be continued; run 'audit verify' and move the damaged file aside to start", e);
        }
    }

    static List<Path> logFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> FILE_NAME.matcher(file.getFileName().toString()).matches()).sorted().toList();
        }
    }

    static int number(Path file) {
        Matcher matcher = FILE_NAME.matcher(file.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(file + " is not an audit log file");
        }
        return Integer.parseInt(matcher.group(1));
    }

    private static int lastIndexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private Path currentFile() {
        return settings.folder().resolve(String.format("audit-%06d.log", fileNumber));
    }

    private void openFile() throws IOException {
        Path file = currentFile();
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        fileBytes = channel.size();
        DurableFiles.forceFolder(settings.folder());
    }

    @Override
    public synchronized void record(AuditRecord record) {
        if (closed) {
            LOG.log(Level.ERROR, "audit record after the audit log was closed, not kept: {0} {1} {2}", record.action(),
                    record.outcome().wireName(), record.fileId().map(Object::toString).orElse(""));
            return;
        }
        try {
            if (fileBytes >= settings.maxFileBytes()) {
                rotate();
            }
            ObjectNode line = JSON.createObjectNode();
            line.put("seq", seq + 1);
            line.put("type", "record");
            line.put("time", record.time().toString());
            line.put("action", record.action());
            line.put("outcome", record.outcome().wireName());
            line.put("subject", record.caller().subject());
            line.put("name", record.caller().name());
            record.caller().clientId().ifPresent(id -> line.put("client_id", id));
            record.caller().tokenId().ifPresent(id -> line.put("token_id", id));
            record.clientIp().ifPresent(ip -> line.put("client_ip", ip));
            record.requestId().ifPresent(id -> line.put("request_id", id));
            record.fileId().ifPresent(id -> line.put("file_id", id.toString()));
            record.element().ifPresent(id -> line.put("element", id.value()));
            record.reason().ifPresent(reason -> line.put("reason", reason));
            line.put("prev", lastHash);
            append(AuditLines.sealed(JSON.writeValueAsBytes(line)));
            uncheckpointed++;
            if (uncheckpointed >= settings.checkpointEvery()) {
                checkpoint();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "AUDIT RECORD NOT KEPT: {0} {1} of file {2} by {3}: {4}", record.action(), record.outcome().wireName(),
                    record.fileId().map(Object::toString).orElse("-"), record.caller().subject(), e.getMessage());
        }
    }

    /** Signs a checkpoint now when records wait for one. */
    public synchronized void checkpointIfPending() {
        if (closed || uncheckpointed == 0) {
            return;
        }
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "writing an audit checkpoint failed: {0}", e.getMessage());
        }
    }

    private void checkpoint() throws IOException {
        Instant now = clock.instant();
        ObjectNode line = JSON.createObjectNode();
        line.put("seq", seq + 1);
        line.put("type", "checkpoint");
        line.put("time", now.toString());
        line.put("count", seq);
        line.put("head", lastHash);
        line.put("key", keyFingerprint);
        line.put("prev", lastHash);
        byte[] body = JSON.writeValueAsBytes(line);
        append(AuditLines.sealed(AuditLines.withSignature(body, keys.sign(body))));
        channel.force(false);
        uncheckpointed = 0;
        writeHead(now);
    }

    /** The signed head: the latest checkpoint's place, so that a log cut short after it is detected. */
    private void writeHead(Instant now) throws IOException {
        ObjectNode head = JSON.createObjectNode();
        head.put("seq", seq);
        head.put("line_hash", lastHash);
        head.put("file", currentFile().getFileName().toString());
        head.put("time", now.toString());
        head.put("key", keyFingerprint);
        byte[] body = JSON.writeValueAsBytes(head);
        byte[] sealed = AuditLines.sealed(AuditLines.withSignature(body, keys.sign(body)));
        byte[] withNewline = Arrays.copyOf(sealed, sealed.length + 1);
        withNewline[sealed.length] = '\n';
        DurableFiles.replace(settings.folder().resolve(HEAD_FILE), withNewline, settings.folder());
    }

    private void rotate() throws IOException {
        if (uncheckpointed > 0) {
            checkpoint();
        }
        channel.force(false);
        channel.close();
        fileNumber++;
        openFile();
    }

    private void append(byte[] sealed) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(sealed.length + 1).put(sealed).put((byte) '\n').flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        fileBytes += sealed.length + 1;
        seq++;
        lastHash = AuditLines.hashOf(sealed);
    }

    /** The folder of the log files. */
    public Path folder() {
        return settings.folder();
    }

    /** Writes a last checkpoint and closes the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        checkpoints.shutdownNow();
        try {
            if (uncheckpointed > 0) {
                checkpoint();
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "closing the audit log cleanly failed: {0}", e.getMessage());
        } finally {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the audit log file failed: {0}", e.getMessage());
            }
        }
    }
}
