package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as an operator runs it. */
class MainIT {

    @TempDir
    Path folder;

    @Test
    void a_bad_setting_stops_start_up_with_a_message_that_names_it() {
        ServerProcess.Finished run = ServerProcess.run(folder, List.of(), Map.of("APP_PORT", "eighty"));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(Main.EXIT_BAD_CONFIGURATION);
        assertThat(run.output()).contains("APP_PORT: must be a whole number");
    }

    @Test
    void a_bad_file_key_stops_start_up_with_a_message_that_names_it() throws IOException {
        Path config = Files.writeString(folder.resolve("bad.yaml"), "upload:\n  max_file_size: lots\n");

        ServerProcess.Finished run = ServerProcess.run(folder, List.of("--config", config.toString()), Map.of());

        assertThat(run.exitCode()).as(run.output()).isEqualTo(Main.EXIT_BAD_CONFIGURATION);
        assertThat(run.output()).contains("upload.max_file_size (in " + config + "): must be a size");
    }

    @Test
    void the_server_logs_its_port_and_stops_cleanly_on_sigterm() throws IOException {
        Path config = Files.writeString(folder.resolve("ingester.yaml"), "storage:\n  data_dir: " + folder.resolve("data") + "\n");
        Path logFile = folder.resolve("logs").resolve("ingester.log");
        try (ServerProcess server = ServerProcess.start(config, Map.of("LOG_FORMAT", "text", "LOG_FILE", logFile.toString()), "128m")) {
            assertThat(server.log()).contains("listening on http://127.0.0.1:").contains("AUTHENTICATION IS OFF");

            server.stop();

            assertThat(server.isAlive()).isFalse();
            assertThat(server.log()).contains("stopped");
            assertThat(Files.readString(logFile)).as("LOG_FILE gets the same lines").contains("listening on").contains("stopped");
        }
    }
}
