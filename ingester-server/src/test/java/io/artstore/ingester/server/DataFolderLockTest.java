package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.fs.FolderInUseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** A second server on the folders of a running one is refused before it clears anything of the first's. */
class DataFolderLockTest {

    @Test
    void a_second_server_on_the_same_data_folder_is_refused_and_clears_nothing() throws IOException {
        try (TestServer first = TestServer.start()) {
            Path spooled = Files.writeString(first.dataDir().resolve("spool").resolve("upload-in-flight.part"), "half");
            Path tmp = first.dataDir().resolve("storage").resolve("local-edit").resolve(".tmp");
            Path written = Files.writeString(tmp.resolve("store-in-flight.part"), "half");

            assertThatThrownBy(() -> new IngesterServer(first.config(), Clock.systemUTC(), IngesterServer.Decorators.NONE))
                    .isInstanceOf(FolderInUseException.class)
                    .hasMessageContaining("the data folder (storage.data_dir)")
                    .hasMessageContaining("is in use");

            assertThat(spooled).as("the spool was not cleared").hasContent("half");
            assertThat(written).as(".tmp was not emptied").hasContent("half");
            assertThat(first.get("/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void a_storage_element_folder_held_by_another_server_is_refused() throws IOException {
        try (TestServer first = TestServer.start()) {
            Path shared = first.dataDir().resolve("storage").resolve("local-edit");
            Path written = Files.writeString(shared.resolve(".tmp").resolve("store-in-flight.part"), "half");

            assertThatThrownBy(() -> TestServer.builder().yaml("""
                    storage:
                      elements:
                        - id: other-edit
                          mode: edit
                          path: %s
                    """.formatted(shared)).start())
                    .isInstanceOf(FolderInUseException.class)
                    .hasMessageContaining("the folder of storage element other-edit " + shared.toRealPath());

            assertThat(written).as(".tmp was not emptied").hasContent("half");
        }
    }
}
