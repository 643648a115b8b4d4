package io.artstore.ingester.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The few file-system steps that make a write survive a crash: write to a temporary file, force it to disk,
 * rename it into place, force the folder. For this module's adapters only; not part of its API.
 */
public final class DurableFiles {

    private DurableFiles() {}

    /** A fresh, unused name in {@code folder}; the file is not created. */
    public static Path tempFileIn(Path folder, String prefix) {
        return folder.resolve(prefix + "-" + UUID.randomUUID() + ".part");
    }

    /** Writes {@code bytes} to a new file and forces it to disk. */
    public static void writeNew(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * Replaces {@code target} by {@code bytes} so that a crash leaves either the old or the new content:
     * temporary file in {@code tempFolder} (same file system), fsync, atomic rename, fsync of the folder.
     */
    public static void replace(Path target, byte[] bytes, Path tempFolder) throws IOException {
        Path temp = tempFileIn(tempFolder, "write");
        try {
            writeNew(temp, bytes);
            moveAtomically(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        forceFolder(target.getParent());
    }

    /**
     * Creates {@code target} with {@code bytes} unless it exists, atomically even against other processes: the
     * content is written and forced in {@code tempFolder} (same file system), then hard-linked to its name, which
     * fails when the name exists; the folder is forced. A crash leaves the target either absent or complete.
     *
     * @return whether the target was created; {@code false} when it existed, which is left as it was
     */
    public static boolean createDurably(Path target, byte[] bytes, Path tempFolder) throws IOException {
        Path temp = tempFileIn(tempFolder, "create");
        try {
            writeNew(temp, bytes);
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException exists) {
            return false;
        } finally {
            Files.deleteIfExists(temp);
        }
        forceFolder(target.getParent());
        return true;
    }

    /** Renames atomically, replacing an existing target (POSIX rename semantics). */
    public static void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes renames and deletions in the folder durable. Callers forcing the same folder at the same time share
     * one fsync of it (see {@link GroupCommit}): each returns once an fsync that began after its call has ended.
     */
    public static void forceFolder(Path folder) throws IOException {
        Path key = folder.toAbsolutePath().normalize();
        FolderCommit group = FOLDERS.compute(key, (path, existing) -> {
            FolderCommit joined = existing == null ? new FolderCommit(path) : existing;
            joined.users++;
            return joined;
        });
        try {
            group.commit.awaitDurable();
        } finally {
            FOLDERS.computeIfPresent(key, (path, existing) -> --existing.users == 0 ? null : existing);
        }
    }

    /** How many folder fsyncs ran in this process (a shared one counts once); for tests and diagnostics. */
    public static long folderForces() {
        return FOLDER_FORCES.sum();
    }

    private static final LongAdder FOLDER_FORCES = new LongAdder();

    /** The folders being forced now, so that the map holds only those and not every folder ever forced. */
    private static final ConcurrentHashMap<Path, FolderCommit> FOLDERS = new ConcurrentHashMap<>();

    /** The group commit of one folder's fsyncs; {@code users} is changed only inside the map's compute. */
    private static final class FolderCommit {
        final GroupCommit commit;
        int users;

        FolderCommit(Path folder) {
            // A folder's failed fsync fails only the callers it covered; the next caller tries afresh.
            this.commit = new GroupCommit(() -> {
                try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
                    channel.force(true);
                }
                FOLDER_FORCES.increment();
            }, false);
        }
    }

    /**
     * Creates {@code folder} and any missing parents, forcing each parent in which a folder was created, so
     * that a file renamed into it later does not vanish with its folder in a crash.
     */
    public static void createFolders(Path folder) throws IOException {
        Path firstMissing = null;
        for (Path p = folder; p != null && !Files.isDirectory(p); p = p.getParent()) {
            firstMissing = p;
        }
        if (firstMissing == null) {
            return;
        }
        Files.createDirectories(folder);
        for (Path p = folder; p != null; p = p.getParent()) {
            forceFolder(p.getParent());
            if (p.equals(firstMissing)) {
                break;
            }
        }
    }

    /** Deletes the folder's contents, keeping the folder. */
    public static void emptyFolder(Path folder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                deleteRecursively(entry);
            }
        }
    }

    /** Deletes a file or a folder with everything in it; nothing happens when it does not exist. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(path);
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException alreadyGone) {
            // Removed concurrently: the wanted end state.
        }
    }
}
