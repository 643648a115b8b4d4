package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransactionRecordCodec;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The transfer log as one append-only file, {@code transfers.log} in a local folder, for one ingester instance
 * (the file is locked for the process). Each record is a {@link FramedLogFile} frame, {@code length (int) |
 * CRC32C of the payload (int) | payload}, forced to disk before {@link #append} returns, so a logged decision
 * survives a crash. At open the file is read into memory; a torn tail (a crash mid-append) is cut off, and
 * damage before the tail stops the open with the file and offset unless {@link LogOptions#salvage}.
 *
 * <p>Compaction: ended transactions are kept for their status, the latest {@link LogOptions#retainEnded} of
 * them; once twice as many have ended, the file is rewritten with the unfinished transactions and those
 * (crash-safe, see {@link FramedLogFile#replaceWith}), and the older ones leave memory: their status answers
 * {@code transfer_not_found}. Thread-safe: appends are serialised.
 */
public final class FileTransactionLog implements TransactionLog, Closeable {

    static final String FILE_NAME = "transfers.log";
    /** Far above any real record; a larger length can only be damage. */
    static final int MAX_PAYLOAD_BYTES = 1 << 20;
    static final FramedLogFile.Format FORMAT = new FramedLogFile.Format("transfer log", new byte[0], false, MAX_PAYLOAD_BYTES);

    private static final System.Logger LOG = System.getLogger(FileTransactionLog.class.getName());

    private final Path file;
    private final FramedLogFile frames;
    private final LogOptions options;
    private final Map<TransactionId, List<TransactionRecord>> transactions = new LinkedHashMap<>();
    /** Ended transactions, in the order they ended. */
    private final Set<TransactionId> ended = new LinkedHashSet<>();
    private final Map<FileId, List<TransactionId>> byFile = new LinkedHashMap<>();
    private boolean broken;

    private FileTransactionLog(Path file, FramedLogFile frames, LogOptions options) {
        this.file = file;
        this.frames = frames;
        this.options = options;
    }

    /** Opens the log with the {@link LogOptions#DEFAULT default options}. */
    public static FileTransactionLog open(Path folder) {
        return open(folder, LogOptions.DEFAULT);
    }

    /**
     * Opens (creating if needed) the log in {@code folder} and reads it.
     *
     * @throws IngestException {@code INTERNAL} ({@code transaction_log_corrupt}) naming the file and offset when
     *     it is damaged before its tail and not {@link LogOptions#salvage}; {@code CONFLICT}
     *     ({@code transaction_log_in_use}) when another process has it open
     * @throws UncheckedIOException when the folder or file cannot be read or written
     */
    public static FileTransactionLog open(Path folder, LogOptions options) {
        return open(folder, options, FramedLogFile.Faults.NONE);
    }

    static FileTransactionLog open(Path folder, LogOptions options, FramedLogFile.Faults faults) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        Path file = absolute.resolve(FILE_NAME);
        FramedLogFile frames = null;
        try {
            DurableFiles.createFolders(absolute);
            frames = FramedLogFile.openOwn(file, FORMAT, faults).orElseThrow(() -> new IngestException(Kind.CONFLICT,
                    "transaction_log_in_use", "the transfer log " + file + " is open in another process"));
            DurableFiles.forceFolder(absolute);
            FileTransactionLog log = new FileTransactionLog(file, frames, options);
            log.load();
            return log;
        } catch (CorruptLogException e) {
            closeQuietly(frames);
            throw new IngestException(Kind.INTERNAL, "transaction_log_corrupt", e.getMessage() + "; have an operator look"
                    + " at it, then start once with logs.salvage=on to keep what is readable", e);
        } catch (IOException e) {
            closeQuietly(frames);
            throw new UncheckedIOException("cannot open the transfer log " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(frames);
            throw e;
        }
    }

    /** How many bytes of a torn tail were cut off at open; zero after a clean shutdown. */
    public synchronized long truncatedBytes() {
        return frames.cutBytes();
    }

    /** How many transactions the log holds in memory, ended ones included. */
    public synchronized int transactionsHeld() {
        return transactions.size();
    }

    @Override
    public synchronized void append(TransactionRecord record) {
        Objects.requireNonNull(record, "record");
        if (!transactions.containsKey(record.transactionId()) && !(record instanceof Begun)) {
            throw new IllegalArgumentException("transaction " + record.transactionId()
                    + " must begin with its begin record, not " + record.getClass().getSimpleName());
        }
        if (broken) {
            throw new IngestException(Kind.INTERNAL, "transaction_log_broken", "the transfer log " + file
                    + " could not undo a failed write and takes no more records; restart to have its tail checked");
        }
        try {
            frames.append(TransactionRecordCodec.encode(record));
        } catch (IOException e) {
            broken = e.getSuppressed().length > 0;
            throw new IngestException(Kind.INTERNAL, "transaction_log_io_error",
                    "the transfer log " + file + " could not record " + record.getClass().getSimpleName()
                            + " of transaction " + record.transactionId() + ": " + e.getMessage(), e);
        }
        index(record);
        if (record instanceof Ended) {
            try {
                compactIfDue();
            } catch (IOException e) {
                // The record is durable; the old file is whole. Compaction is tried again at the next end.
                LOG.log(Level.WARNING, "Transfer log {0}: compaction failed, the log stays as it was: {1}", file, e.getMessage());
            }
        }
    }

    @Override
    public synchronized List<TransactionRecord> load(TransactionId id) {
        return List.copyOf(transactions.getOrDefault(id, List.of()));
    }

    @Override
    public synchronized List<TransactionId> unfinished() {
        return transactions.keySet().stream().filter(id -> !ended.contains(id)).toList();
    }

    @Override
    public synchronized List<TransactionId> findByFile(FileId fileId) {
        return List.copyOf(byFile.getOrDefault(fileId, List.of()));
    }

    @Override
    public synchronized void close() throws IOException {
        frames.close();
    }

    private void load() throws IOException {
        for (FramedLogFile.Frame frame : frames.readNew(true, options.salvage())) {
            TransactionRecord record;
            try {
                record = TransactionRecordCodec.decode(frame.body());
            } catch (IOException | RuntimeException unreadable) {
                if (options.salvage()) {
                    continue;
                }
                throw new CorruptLogException(FORMAT.name(), file, frame.offset(),
                        "a frame with a good CRC holds no transfer record (" + unreadable.getMessage() + ")");
            }
            if (!transactions.containsKey(record.transactionId()) && !(record instanceof Begun)) {
                if (options.salvage()) {
                    continue;
                }
                throw new CorruptLogException(FORMAT.name(), file, frame.offset(), "a " + record.getClass().getSimpleName()
                        + " record of transaction " + record.transactionId() + ", which has no begin record before it");
            }
            index(record);
        }
        if (frames.cutBytes() > 0) {
            LOG.log(Level.WARNING, "Transfer log {0}: cut off a torn last record of {1} bytes, left by a crash while it"
                    + " was written", file, frames.cutBytes());
        }
        if (!frames.skipped().isEmpty()) {
            Path copy = frames.keepDamagedCopy(Clock.systemUTC().instant());
            LOG.log(Level.WARNING, "Transfer log {0}: salvaged; dropped the damaged byte ranges {1} and the records that"
                    + " depend on them; the damaged file is kept as {2}", file, frames.skipped(), copy);
            frames.replaceWith(bodies());
        }
        compactIfDue();
    }

    /** Folds away the oldest ended transactions beyond those retained, once twice as many have ended. */
    private void compactIfDue() throws IOException {
        if (ended.size() <= 2L * options.retainEnded()) {
            return;
        }
        Set<TransactionId> folded = new HashSet<>();
        Iterator<TransactionId> oldest = ended.iterator();
        for (int n = ended.size() - options.retainEnded(); n > 0; n--) {
            folded.add(oldest.next());
        }
        List<byte[]> kept = new ArrayList<>();
        transactions.forEach((id, records) -> {
            if (!folded.contains(id)) {
                records.forEach(record -> kept.add(TransactionRecordCodec.encode(record)));
            }
        });
        frames.replaceWith(kept);
        transactions.keySet().removeAll(folded);
        ended.removeAll(folded);
        byFile.values().forEach(ids -> ids.removeAll(folded));
        byFile.values().removeIf(List::isEmpty);
    }

    private List<byte[]> bodies() {
        List<byte[]> bodies = new ArrayList<>();
        transactions.values().forEach(records -> records.forEach(record -> bodies.add(TransactionRecordCodec.encode(record))));
        return bodies;
    }

    private void index(TransactionRecord record) {
        transactions.computeIfAbsent(record.transactionId(), id -> new ArrayList<>()).add(record);
        if (record instanceof Begun begun) {
            byFile.computeIfAbsent(begun.fileId(), id -> new ArrayList<>()).add(begun.transactionId());
        } else if (record instanceof Ended) {
            ended.add(record.transactionId());
        }
    }

    static ByteBuffer frame(byte[] payload) {
        return ByteBuffer.wrap(FORMAT.frame(payload));
    }

    private static void closeQuietly(FramedLogFile frames) {
        if (frames != null) {
            try {
                frames.close();
            } catch (IOException ignored) {
                // Opening failed already; that is the error to report.
            }
        }
    }
}
