package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.Locks.Lock;
import io.artstore.ingester.core.port.out.Locks.Operation;
import io.artstore.ingester.core.port.out.LocksContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemLocksTest extends LocksContract {

    @TempDir
    Path folder;

    @Override
    protected Locks createLocks() {
        return FileSystemLocks.open(folder);
    }

    @Test
    void locks_held_at_a_restart_are_held_after_it_with_their_tokens() {
        Lock transfer = locks.tryLock(FileId.random(), Operation.TRANSFER, "0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b").orElseThrow();
        Lock released = locks.tryLock(FileId.random(), Operation.DELETE, "delete-1").orElseThrow();
        locks.release(released);

        FileSystemLocks reopened = FileSystemLocks.open(folder);

        assertThat(reopened.held()).containsExactly(transfer);
        assertThat(reopened.holder(transfer.fileId())).hasValue(transfer);
        assertThat(reopened.isLocked(released.fileId())).isFalse();
        assertThat(reopened.tryLock(transfer.fileId(), Operation.DELETE, "delete-2")).isEmpty();
        assertThat(reopened.release(transfer)).isTrue();
        assertThat(FileSystemLocks.open(folder).held()).isEmpty();
    }

    @Test
    void fencing_tokens_keep_growing_across_restarts_even_with_nothing_held() {
        Lock first = locks.tryLock(FileId.random(), Operation.TRANSFER, "tx-1").orElseThrow();
        locks.release(first);

        Lock afterRestart = FileSystemLocks.open(folder).tryLock(first.fileId(), Operation.TRANSFER, "tx-1").orElseThrow();

        assertThat(afterRestart.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void a_grant_made_before_a_restart_is_stale_after_its_release_and_a_new_grant() {
        FileId file = FileId.random();
        Lock before = locks.tryLock(file, Operation.TRANSFER, "tx-1").orElseThrow();
        locks.release(before);
        FileSystemLocks reopened = FileSystemLocks.open(folder);
        reopened.tryLock(file, Operation.TRANSFER, "tx-2").orElseThrow();

        assertThat(reopened.release(before)).isFalse();
        assertThatThrownBy(() -> reopened.validate(before)).hasMessageContaining("no longer held");
    }

    @Test
    void temporary_files_left_by_a_crash_are_ignored() throws IOException {
        Lock lock = locks.tryLock(FileId.random(), Operation.TRANSFER, "tx-1").orElseThrow();
        Files.writeString(folder.resolve(".tmp").resolve("write-crashed.part"), "half a lock");

        FileSystemLocks reopened = FileSystemLocks.open(folder);

        assertThat(reopened.held()).containsExactly(lock);
        try (var left = Files.list(folder.resolve(".tmp"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void a_damaged_lock_file_stops_opening_with_its_name() throws IOException {
        FileId file = FileId.random();
        Files.writeString(folder.resolve(file + ".lock"), "operation=transfer\n");

        assertThatThrownBy(() -> FileSystemLocks.open(folder))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(file + ".lock");
    }

    @Test
    void an_owner_with_equals_signs_and_commas_reads_back_unchanged() {
        Lock lock = locks.tryLock(FileId.random(), Operation.DELETE, "owner=a,b").orElseThrow();

        assertThat(FileSystemLocks.open(folder).held()).containsExactly(lock);
    }
}
