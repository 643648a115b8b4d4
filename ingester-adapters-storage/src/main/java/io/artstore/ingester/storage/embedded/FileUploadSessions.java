package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadSessionCodec;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Upload sessions in a folder, one JSON file per upload ({@code <id>.json}), each change written to a temporary
 * file, forced and renamed over the old one, so a crash leaves either revision whole. Compare-and-set holds a lock
 * within this process and an OS file lock on {@code .lock}, so processes sharing the folder also take turns.
 * Reads need no lock: a rename is atomic.
 */
public final class FileUploadSessions implements UploadSessions {

    private static final String SUFFIX = ".json";

    private final Path folder;
    private final Path temporary;
    private final ReentrantLock writing = new ReentrantLock();

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

    @Override
    public boolean create(UploadSession session) {
        byte[] text = UploadSessionCodec.encode(session).getBytes(StandardCharsets.UTF_8);
        try {
            return DurableFiles.createDurably(file(session.id()), text, temporary);
        } catch (IOException e) {
            throw failure("create", session.id(), e);
        }
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        try {
            return Optional.of(read(file(id)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", id, e);
        }
    }

    @Override
    public boolean replace(UploadSession next) {
        return underLock(next.id(), () -> {
            Optional<UploadSession> stored = find(next.id());
            if (stored.isEmpty() || stored.get().revision() != next.revision() - 1) {
                return false;
            }
            DurableFiles.replace(file(next.id()), UploadSessionCodec.encode(next).getBytes(StandardCharsets.UTF_8), temporary);
            return true;
        });
    }

    @Override
    public boolean remove(UploadId id, long revision) {
        return underLock(id, () -> {
            Optional<UploadSession> stored = find(id);
            if (stored.isEmpty() || stored.get().revision() != revision) {
                return false;
            }
            Files.delete(file(id));
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
        List<UploadSession> sessions = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                try {
                    sessions.add(read(file));
                } catch (NoSuchFileException removedMeanwhile) {
                    // gone between listing and reading: not a session any more
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the upload sessions in " + folder.toAbsolutePath(), e);
        }
        return sessions;
    }

    private interface Change {
        boolean apply() throws IOException;
    }

    private boolean underLock(UploadId id, Change change) {
        writing.lock();
        try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock held = lockFile.lock();
            try {
                return change.apply();
            } finally {
                held.release();
            }
        } catch (IOException e) {
            throw failure("change", id, e);
        } finally {
            writing.unlock();
        }
    }

    private static UploadSession read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return UploadSessionCodec.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt upload session " + file + ": " + e.getMessage(), e);
        }
    }

    private Path file(UploadId id) {
        return folder.resolve(id.value() + SUFFIX);
    }

    private UncheckedIOException failure(String what, UploadId id, IOException e) {
        return new UncheckedIOException("cannot " + what + " the upload session " + id + " in " + folder.toAbsolutePath(), e);
    }
}
