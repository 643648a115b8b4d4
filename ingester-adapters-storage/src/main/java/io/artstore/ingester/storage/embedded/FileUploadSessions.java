package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadSessionCodec;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * Upload sessions in a folder, one file per upload ({@code <id>.session}) of two fixed-size slots, each holding one
 * revision of the session (its JSON text) with the revision, whether it was forced, and a CRC-32C. The session is the
 * valid slot of the highest revision.
 *
 * <p>A change overwrites, in place, the slot that does not hold the latest forced revision: a durable change then
 * {@code fdatasync}s the file (one synchronous write: the file's size and name do not change, so neither its
 * metadata nor the folder needs forcing), a lease change ({@link #replaceLease}) does not. A crash mid-write leaves
 * the written slot torn, which its CRC tells, and the other slot whole at the last forced revision: a torn or lost
 * lease change falls back to the revision before it, never further back than the last durable one. A session whose
 * text outgrows its slots is rewritten whole with larger ones (temporary file, fsync, rename, folder fsync). Files of
 * the older layout ({@code <id>.json}, one JSON text) are read, and replaced by a slot file at their first change.
 *
 * <p>Every read and change holds a lock within this process and an OS file lock on {@code .lock}, so that processes
 * sharing the folder take turns and no read sees a slot being written.
 */
public final class FileUploadSessions implements UploadSessions {

    static final String SUFFIX = ".session";
    private static final String LEGACY_SUFFIX = ".json";
    /** Slots are whole pages, so that a torn write of one never touches the other. */
    private static final int PAGE = 4096;
    private static final int MAGIC = 0x41555331; // "AUS1"
    /** A slot's header: magic, revision, flags, text length, then the CRC-32C of the header before it and the text. */
    private static final int REVISION_AT = 4;
    private static final int FLAGS_AT = REVISION_AT + Long.BYTES;
    private static final int LENGTH_AT = FLAGS_AT + 1;
    private static final int CRC_AT = LENGTH_AT + Integer.BYTES;
    private static final int HEADER = CRC_AT + Integer.BYTES;
    private static final byte FORCED = 1;

    private final Path folder;
    private final Path temporary;
    private final ReentrantLock writing = new ReentrantLock();
    private final LongAdder forces = new LongAdder();

    private FileUploadSessions(Path folder) {
        this.folder = folder;
        this.temporary = folder.resolve(".tmp");
    }

    public static FileUploadSessions open(Path folder) {
        FileUploadSessions sessions = new FileUploadSessions(folder);
        try {
            Files.createDirectories(sessions.temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the upload sessions folder " + folder.toAbsolutePath(), e);
        }
        return sessions;
    }

    /** How many times a session file was forced in place by this store; for tests. */
    long forces() {
        return forces.sum();
    }

    @Override
    public boolean create(UploadSession session) {
        byte[] text = UploadSessionCodec.encode(session).getBytes(StandardCharsets.UTF_8);
        return underLock(session.id(), () -> {
            if (Files.exists(legacyFile(session.id()))) {
                return false;
            }
            return DurableFiles.createDurably(file(session.id()), fileWith(session.revision(), text), temporary);
        });
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        Optional<Stored> stored = underLock(id, () -> read(id));
        return stored.map(Stored::session);
    }

    @Override
    public boolean replace(UploadSession next) {
        return write(next, true);
    }

    @Override
    public boolean replaceLease(UploadSession next) {
        return write(next, false);
    }

    private boolean write(UploadSession next, boolean durable) {
        return underLock(next.id(), () -> {
            Optional<Stored> stored = read(next.id());
            if (stored.isEmpty() || stored.get().session().revision() != next.revision() - 1) {
                return false;
            }
            byte[] text = UploadSessionCodec.encode(next).getBytes(StandardCharsets.UTF_8);
            Stored current = stored.get();
            if (current.slotSize() < HEADER + text.length) {
                // Outgrown, or of the older layout: a new file, as durable as a create.
                DurableFiles.replace(file(next.id()), fileWith(next.revision(), text), temporary);
                Files.deleteIfExists(legacyFile(next.id())); // the slot file wins over it should it come back
                return true;
            }
            ByteBuffer slot = ByteBuffer.wrap(slot(next.revision(), durable, text));
            try (FileChannel channel = FileChannel.open(file(next.id()), StandardOpenOption.WRITE)) {
                long at = (long) current.writableSlot() * current.slotSize();
                while (slot.hasRemaining()) {
                    at += channel.write(slot, at);
                }
                if (durable) {
                    channel.force(false);
                    forces.increment();
                }
            }
            return true;
        });
    }

    @Override
    public boolean remove(UploadId id, long revision) {
        return underLock(id, () -> {
            Optional<Stored> stored = read(id);
            if (stored.isEmpty() || stored.get().session().revision() != revision) {
                return false;
            }
            Files.deleteIfExists(file(id));
            Files.deleteIfExists(legacyFile(id));
            DurableFiles.forceFolder(folder);
            return true;
        });
    }

    @Override
    public List<UploadSession> expiredAt(Instant now, int limit) {
        return all().stream()
                .filter(session -> session.isExpiredAt(now))
                .sorted(Comparator.comparing(UploadSession::expires))
                .limit(limit)
                .toList();
    }

    @Override
    public List<UploadSession> list(int limit) {
        return all().stream()
                .sorted(Comparator.comparing(UploadSession::updated).reversed())
                .limit(limit)
                .toList();
    }

    private List<UploadSession> all() {
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*{" + SUFFIX + "," + LEGACY_SUFFIX + "}")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                ids.add(name.substring(0, name.lastIndexOf('.')));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the upload sessions in " + folder.toAbsolutePath(), e);
        }
        List<UploadSession> sessions = new ArrayList<>();
        for (String id : ids) {
            if (UploadId.isValid(id)) {
                find(new UploadId(id)).ifPresent(sessions::add); // absent: removed between listing and reading
            }
        }
        return sessions;
    }

    /** A stored session: the slot it was read from, the slot the next change may overwrite, and the slots' size. */
    private record Stored(UploadSession session, int writableSlot, int slotSize) {}

    private Optional<Stored> read(UploadId id) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(id));
        } catch (NoSuchFileException e) {
            return readLegacy(id);
        }
        int slotSize = bytes.length / 2;
        long bestRevision = -1;
        int best = -1;
        long forcedRevision = -1;
        int forced = -1;
        String bestText = null;
        for (int i = 0; i < 2; i++) {
            ByteBuffer slot = ByteBuffer.wrap(bytes, i * slotSize, slotSize).slice();
            Optional<String> text = validText(slot);
            if (text.isEmpty()) {
                continue;
            }
            long revision = slot.getLong(REVISION_AT);
            if (revision > bestRevision) {
                bestRevision = revision;
                best = i;
                bestText = text.get();
            }
            if ((slot.get(FLAGS_AT) & FORCED) != 0 && revision > forcedRevision) {
                forcedRevision = revision;
                forced = i;
            }
        }
        if (best < 0) {
            throw new IOException("corrupt upload session " + file(id) + ": no slot holds a whole revision");
        }
        // Never overwrite the latest forced revision: it is what a crash during the next write falls back to.
        int keep = forced >= 0 ? forced : best;
        return Optional.of(new Stored(decode(bestText, file(id)), 1 - keep, slotSize));
    }

    private Optional<Stored> readLegacy(UploadId id) throws IOException {
        try {
            String text = Files.readString(legacyFile(id), StandardCharsets.UTF_8);
            return Optional.of(new Stored(decode(text, legacyFile(id)), 0, 0)); // slot size 0: rewritten at its change
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> validText(ByteBuffer slot) {
        if (slot.capacity() < HEADER || slot.getInt(0) != MAGIC) {
            return Optional.empty();
        }
        int length = slot.getInt(LENGTH_AT);
        if (length < 0 || length > slot.capacity() - HEADER) {
            return Optional.empty();
        }
        CRC32C crc = new CRC32C();
        crc.update(slot.duplicate().position(0).limit(CRC_AT));
        crc.update(slot.duplicate().position(HEADER).limit(HEADER + length));
        if ((int) crc.getValue() != slot.getInt(CRC_AT)) {
            return Optional.empty();
        }
        byte[] text = new byte[length];
        slot.get(HEADER, text);
        return Optional.of(new String(text, StandardCharsets.UTF_8));
    }

    private static byte[] slot(long revision, boolean forced, byte[] text) {
        ByteBuffer slot = ByteBuffer.allocate(HEADER + text.length);
        slot.putInt(MAGIC).putLong(revision).put(forced ? FORCED : 0).putInt(text.length);
        CRC32C crc = new CRC32C();
        crc.update(slot.array(), 0, CRC_AT);
        crc.update(text);
        slot.putInt((int) crc.getValue()).put(text);
        return slot.array();
    }

    /** A whole file: the session, forced, in the first slot; the second empty; room for the text to grow. */
    private static byte[] fileWith(long revision, byte[] text) {
        int needed = HEADER + text.length;
        int slotSize = Math.max(PAGE, (needed + needed / 2 + PAGE - 1) / PAGE * PAGE);
        byte[] file = new byte[2 * slotSize];
        byte[] first = slot(revision, true, text);
        System.arraycopy(first, 0, file, 0, first.length);
        return file;
    }

    private static UploadSession decode(String text, Path file) throws IOException {
        try {
            return UploadSessionCodec.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt upload session " + file + ": " + e.getMessage(), e);
        }
    }

    private interface Step<T> {
        T apply() throws IOException;
    }

    private <T> T underLock(UploadId id, Step<T> step) {
        writing.lock();
        try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = lockFile.lock();
            try {
                return step.apply();
            } finally {
                held.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the upload session " + id + " in " + folder.toAbsolutePath(), e);
        } finally {
            writing.unlock();
        }
    }

    private Path file(UploadId id) {
        return folder.resolve(id.value() + SUFFIX);
    }

    private Path legacyFile(UploadId id) {
        return folder.resolve(id.value() + LEGACY_SUFFIX);
    }
}
