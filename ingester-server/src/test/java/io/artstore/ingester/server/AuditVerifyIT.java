package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.server.testing.ServerProcess;
import io.artstore.ingester.storage.audit.AuditLogSettings;
import io.artstore.ingester.storage.audit.FileAuditTrail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar artstore-ingester.jar audit verify [DIR]} as an operator runs it. */
class AuditVerifyIT {

    @TempDir
    Path folder;

    private Path writeLog(Path data) {
        try (FileAuditTrail trail = FileAuditTrail.open(AuditLogSettings.in(data).with(5, Duration.ofHours(1), 1024 * 1024),
                Clock.systemUTC())) {
            for (int i = 0; i < 12; i++) {
                trail.record(new AuditRecord(Clock.systemUTC().instant(), AuditRecord.DELETE, AuditRecord.Outcome.SUCCEEDED,
                        new Caller("sub-" + i, "user " + i, Optional.empty(), Optional.of("jti-" + i)), Optional.of("10.1.1.1"),
                        Optional.of("req-" + i), Optional.of(FileId.random()), Optional.of(StorageElementId.of("local-edit")),
                        Optional.empty()));
            }
        }
        return data.resolve("audit");
    }

    @Test
    void an_intact_log_exits_0_and_a_changed_one_exits_1_naming_the_line() throws IOException {
        Path audit = writeLog(folder.resolve("data"));

        ServerProcess.Finished intact = ServerProcess.run(folder, List.of("audit", "verify", audit.toString()), Map.of());
        assertThat(intact.exitCode()).as(intact.output()).isZero();
        assertThat(intact.output()).contains("audit log intact").contains("15 lines");

        Path log = audit.resolve("audit-000001.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        lines.set(7, lines.get(7).replace("user 6", "user 9"));
        Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

        ServerProcess.Finished broken = ServerProcess.run(folder, List.of("audit", "verify", audit.toString()), Map.of());
        assertThat(broken.exitCode()).as(broken.output()).isEqualTo(1);
        assertThat(broken.output()).contains("audit-000001.log line 8").contains("was changed");
    }

    @Test
    void without_a_folder_the_data_folder_of_the_configuration_is_verified() throws IOException {
        Path data = folder.resolve("configured");
        Path audit = writeLog(data);
        Path log = audit.resolve("audit-000001.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        lines.remove(2);
        Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

        ServerProcess.Finished run = ServerProcess.run(folder, List.of("audit", "verify"), Map.of("INGESTER_DATA_DIR", data.toString()));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("line 3").contains("record 3");
    }
}
