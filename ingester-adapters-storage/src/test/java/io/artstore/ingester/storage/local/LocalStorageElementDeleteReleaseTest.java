package io.artstore.ingester.storage.local;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delete removes the name at once and lets go of the file shortly after, on a thread of its own. */
class LocalStorageElementDeleteReleaseTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T15:31:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    @Test
    void a_deleted_file_is_gone_when_delete_returns_and_no_handle_of_it_stays_open() throws Exception {
        LocalStorageElement edit = LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of("local-edit"),
                Mode.EDIT, root.resolve("edit"), 1, OptionalLong.empty()), CLOCK);
        FileAttributes stored = edit.store(aStoreRequest().build(), new ByteArrayInputStream(new byte[64 * 1024]));
        Path data = edit.localFile(stored.fileId()).orElseThrow();

        assertThat(edit.delete(stored.fileId())).isTrue();

        assertThat(Files.exists(data)).isFalse();
        assertThat(edit.localFile(stored.fileId())).isEmpty();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (openHandlesOf(data) > 0 && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertThat(openHandlesOf(data)).as("handles of the deleted file still open").isZero();
    }

    /** This process's open file descriptors that name the file (a deleted one reads "path (deleted)"). */
    private static long openHandlesOf(Path file) throws IOException {
        String name = file.toAbsolutePath().toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(name);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
