package io.artstore.ingester.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderLockTest {

    @TempDir
    Path root;

    @Test
    void a_second_owner_is_refused_until_the_first_releases() throws IOException {
        Path folder = root.resolve("data");
        try (FolderLock first = FolderLock.acquire(folder, "ingester.lock", "the data folder")) {
            assertThat(Files.readString(first.file(), StandardCharsets.US_ASCII).strip())
                    .isEqualTo(String.valueOf(ProcessHandle.current().pid()));

            assertThatThrownBy(() -> FolderLock.acquire(folder, "ingester.lock", "the data folder"))
                    .isInstanceOf(FolderInUseException.class)
                    .hasMessageContaining("the data folder " + folder.toRealPath() + " is in use by this process")
                    .hasMessageContaining("Nothing was changed");
            assertThat(first.file()).as("the refused attempt left the holder's file alone")
                    .hasContent(String.valueOf(ProcessHandle.current().pid()));
        }

        try (FolderLock again = FolderLock.acquire(folder, "ingester.lock", "the data folder")) {
            assertThat(again.file()).exists();
        }
    }

    @Test
    void closing_twice_is_harmless_and_other_folders_are_independent() {
        FolderLock a = FolderLock.acquire(root.resolve("a"), ".ingester.lock", "a");
        try (FolderLock b = FolderLock.acquire(root.resolve("b"), ".ingester.lock", "b")) {
            a.close();
            a.close();
            assertThat(b.file()).exists();
        }
    }
}
