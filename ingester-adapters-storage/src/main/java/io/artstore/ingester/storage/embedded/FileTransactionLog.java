package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The transfer log as one append-only file, {@code transfers.log} in a local folder, for one ingester instance.
 * Each record is framed as {@code length (int) | CRC32C of the payload (int) | payload} and forced to disk
 * before {@link #append} returns, so a logged decision survives a crash. At open the whole file is read into
 * memory; a torn or damaged tail (a crash mid-append) ends the log there and is cut off.
 *
 * <p>The file only grows; ended transactions are kept for their status. Thread-safe: appends are serialised.
 */
public final class FileTransactionLog implements TransactionLog, Closeable {

    static final String FILE_NAME = "transfers.log";
    /** A frame's header: payload length and checksum. */
    static final int HEADER_BYTES = 8;
    /** Far above any real record; a larger length can only be damage. */
    static final int MAX_PAYLOAD_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final Map<TransactionId, List<TransactionRecord>> transactions = new LinkedHashMap<>();
    private final Set<TransactionId> ended = new HashSet<>();
    private final Map<FileId, List<TransactionId>> byFile = new LinkedHashMap<>();
    private long truncatedBytes;
    private boolean broken;

    private FileTransactionLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens (creating if needed) the log in {@code folder} and reads it.
     *
     * @throws UncheckedIOException when the folder or file cannot be read or written
     */
    public static FileTransactionLog open(Path folder) {
        Path absolute = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        Path file = absolute.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            DurableFiles.createFolders(absolute);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            DurableFiles.forceFolder(absolute);
            FileTransactionLog log = new FileTransactionLog(file, channel);
            log.load();
            return log;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open the transfer log " + file + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** How many bytes of a torn or damaged tail were cut off at open; zero after a clean shutdown. */
    public synchronized long truncatedBytes() {
        return truncatedBytes;
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
        ByteBuffer frame = frame(TransactionRecordCodec.encode(record));
        long start = -1;
        try {
            start = channel.size();
            long position = start;
            while (frame.hasRemaining()) {
                position += channel.write(frame, position);
            }
            channel.force(false);
        } catch (IOException e) {
            undoPartialWrite(start, e);
            throw new IngestException(Kind.INTERNAL, "transaction_log_io_error",
                    "the transfer log " + file + " could not record " + record.getClass().getSimpleName()
                            + " of transaction " + record.transactionId() + ": " + e.getMessage(), e);
        }
        index(record);
    }

    /**
     * A half-written frame followed by whole ones would end the log there at the next open, hiding the whole
     * ones: cut it off now, or stop appending.
     */
    private void undoPartialWrite(long start, IOException failure) {
        if (start < 0) {
            return;
        }
        try {
            channel.truncate(start);
            channel.force(true);
        } catch (IOException undoFailure) {
            failure.addSuppressed(undoFailure);
            broken = true;
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
        channel.close();
    }

    private void load() throws IOException {
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (position < size) {
            if (size - position < HEADER_BYTES) {
                break;
            }
            header.clear();
            readFully(header, position);
            int length = header.getInt(0);
            int checksum = header.getInt(4);
            if (length <= 0 || length > MAX_PAYLOAD_BYTES || size - position - HEADER_BYTES < length) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, position + HEADER_BYTES);
            if (crc(payload.array()) != checksum) {
                break;
            }
            TransactionRecord record;
            try {
                record = TransactionRecordCodec.decode(payload.array());
            } catch (IOException | RuntimeException unreadable) {
                break;
            }
            if (!transactions.containsKey(record.transactionId()) && !(record instanceof Begun)) {
                break;
            }
            index(record);
            position += HEADER_BYTES + length;
        }
        if (position < size) {
            // Whatever follows the last whole record was being written when the process died.
            truncatedBytes = size - position;
            channel.truncate(position);
            channel.force(true);
        }
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of " + file);
            }
            at += n;
        }
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
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        frame.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
        return frame;
    }

    static int crc(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Opening failed already; that is the error to report.
            }
        }
    }
}
