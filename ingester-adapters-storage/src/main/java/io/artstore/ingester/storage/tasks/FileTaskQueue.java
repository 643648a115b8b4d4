package io.artstore.ingester.storage.tasks;

import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The embedded task queue: one file per task in a folder, {@code <created ms>-<sequence>-<task id>.json}, created
 * durably before {@link #submit} returns and deleted when the task is {@link #acknowledge acknowledged}. Tasks are
 * taken oldest first; a task taken and not acknowledged when the process dies is taken again after the restart
 * (at least once). One process uses the folder (the data folder's lock).
 */
public final class FileTaskQueue implements TaskQueue {

    private final Path folder;
    private final Path temporary;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    /** Tasks handed out and not yet acknowledged or given back, by file. */
    private final Map<Path, Task> taken = new HashMap<>();
    /** Tasks given back to be retried, and when they may be taken again. */
    private final Map<Path, Instant> notBefore = new HashMap<>();
    private final Object changed = new Object();

    private FileTaskQueue(Path folder, Clock clock) {
        this.folder = folder;
        this.temporary = folder.resolve(".tmp");
        this.clock = clock;
    }

    public static FileTaskQueue open(Path folder, Clock clock) {
        FileTaskQueue queue = new FileTaskQueue(folder, Objects.requireNonNull(clock, "clock"));
        try {
            DurableFiles.createFolders(queue.temporary);
            DurableFiles.emptyFolder(queue.temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the task queue at " + folder.toAbsolutePath(), e);
        }
        return queue;
    }

    /** A queued task handed to a worker; {@link #acknowledge} or {@link #retryLater} it. */
    public record Taken(Task task, Path file) {}

    @Override
    public void submit(Task task) {
        String name = String.format("%016d-%08d-%s.json", task.createdAt().toEpochMilli(), sequence.incrementAndGet() % 100_000_000,
                task.id().replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            DurableFiles.createDurably(folder.resolve(name), task.toJson().getBytes(StandardCharsets.UTF_8), temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot queue task " + task.id() + " in " + folder.toAbsolutePath(), e);
        }
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    /** The oldest task nobody holds, waiting up to {@code wait} for one. */
    public Optional<Taken> take(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Taken> next = next();
            if (next.isPresent()) {
                return next;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            synchronized (changed) {
                // Woken by a submit; a retry that comes due is noticed within a second.
                changed.wait(Math.max(1, Math.min(Duration.ofNanos(left).toMillis(), 1000)));
            }
        }
    }

    private synchronized Optional<Taken> next() {
        Instant now = clock.instant();
        for (Path file : files()) {
            if (taken.containsKey(file) || notBefore.getOrDefault(file, Instant.MIN).isAfter(now)) {
                continue;
            }
            Task task;
            try {
                task = Task.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("the queued task " + file + " cannot be read: " + e.getMessage(), e);
            }
            notBefore.remove(file);
            taken.put(file, task);
            return Optional.of(new Taken(task, file));
        }
        return Optional.empty();
    }

    /** Removes a task that is done (or failed for good). */
    public synchronized void acknowledge(Taken task) {
        try {
            Files.deleteIfExists(task.file());
            DurableFiles.forceFolder(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the done task " + task.file(), e);
        } finally {
            taken.remove(task.file());
        }
    }

    /** Gives a task back, to be taken again no sooner than {@code delay} from now. */
    public synchronized void retryLater(Taken task, Duration delay) {
        taken.remove(task.file());
        notBefore.put(task.file(), clock.instant().plus(delay));
    }

    @Override
    public synchronized Depth depth() {
        List<Path> files = files();
        Duration oldest = Duration.ZERO;
        if (!files.isEmpty()) {
            String name = files.get(0).getFileName().toString();
            try {
                Instant created = Instant.ofEpochMilli(Long.parseLong(name.substring(0, name.indexOf('-'))));
                oldest = Duration.between(created, clock.instant());
                oldest = oldest.isNegative() ? Duration.ZERO : oldest;
            } catch (RuntimeException e) {
                // Not a name this queue wrote: no age to tell.
            }
        }
        return new Depth(files.size(), oldest);
    }

    private List<Path> files() {
        try (Stream<Path> listed = Files.list(folder)) {
            return new ArrayList<>(listed.filter(file -> file.getFileName().toString().endsWith(".json")).sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the task queue " + folder.toAbsolutePath(), e);
        }
    }
}
