package io.artstore.ingester.storage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuditTrailTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private AuditLogSettings settings() {
        // Long interval: checkpoints come from the count only, so that the lines are where the tests expect them.
        return AuditLogSettings.in(data).with(10, Duration.ofHours(1), 64L * 1024 * 1024);
    }

    private Path logWith(int records) {
        try (FileAuditTrail trail = FileAuditTrail.open(settings(), Clock.systemUTC())) {
            for (int i = 0; i < records; i++) {
                trail.record(record(i));
            }
        }
        return data.resolve("audit").resolve("audit-000001.log");
    }

    private static AuditRecord record(int i) {
        return new AuditRecord(Clock.systemUTC().instant(), AuditRecord.UPLOAD, AuditRecord.Outcome.SUCCEEDED,
                new Caller("sa-" + i, "uploader " + i, Optional.of("sa_prod_x_0011aabb"), Optional.of("jti-" + i)),
                Optional.of("10.0.0." + i), Optional.of("req-" + i), Optional.of(FileId.random()),
                Optional.of(StorageElementId.of("local-edit")), Optional.of("stored"));
    }

    private AuditLogVerifier.Result verify() throws IOException {
        return AuditLogVerifier.verify(data.resolve("audit"), Optional.empty());
    }

    private static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void an_untouched_log_is_intact_with_its_records_chained_and_checkpointed() throws IOException {
        Path log = logWith(25);

        List<String> lines = lines(log);
        // 25 records, a checkpoint after every 10 and a last one at close.
        assertThat(lines).hasSize(28);
        assertThat(JSON.readTree(lines.get(10)).path("type").asText()).isEqualTo("checkpoint");
        assertThat(JSON.readTree(lines.get(0)).path("subject").asText()).isEqualTo("sa-0");
        assertThat(JSON.readTree(lines.get(0)).path("token_id").asText()).isEqualTo("jti-0");
        assertThat(JSON.readTree(lines.get(0)).path("client_ip").asText()).isEqualTo("10.0.0.0");
        assertThat(JSON.readTree(lines.get(1)).path("prev").asText()).isEqualTo(JSON.readTree(lines.get(0)).path("hash").asText());
        assertThat(verify()).isInstanceOf(AuditLogVerifier.Intact.class);
        assertThat(((AuditLogVerifier.Intact) verify()).lines()).isEqualTo(28);
    }

    @Test
    void an_edited_byte_is_named() throws IOException {
        Path log = logWith(25);
        List<String> lines = lines(log);
        lines.set(4, lines.get(4).replace("uploader 4", "uploader 5"));
        write(log, lines);

        assertBroken(5, "was changed");
    }

    @Test
    void a_deleted_line_is_named() throws IOException {
        Path log = logWith(25);
        List<String> lines = lines(log);
        lines.remove(6);
        write(log, lines);

        assertBroken(7, "removed, added or reordered");
    }

    @Test
    void two_swapped_lines_are_named() throws IOException {
        Path log = logWith(25);
        List<String> lines = lines(log);
        String third = lines.get(2);
        lines.set(2, lines.get(3));
        lines.set(3, third);
        write(log, lines);

        assertBroken(3, "reordered");
    }

    @Test
    void a_tail_cut_in_the_middle_of_a_line_is_named() throws IOException {
        Path log = logWith(25);
        byte[] bytes = Files.readAllBytes(log);
        Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length - 40));

        assertBroken(28, "cut short");
    }

    @Test
    void whole_lines_removed_from_the_end_are_found_through_the_signed_head() throws IOException {
        Path log = logWith(25);
        List<String> lines = lines(log);
        write(log, lines.subList(0, 21));

        AuditLogVerifier.Result result = verify();
        assertThat(result).isInstanceOf(AuditLogVerifier.Broken.class);
        assertThat(result.describe()).contains("record 22").contains("removed from its end");
    }

    @Test
    void a_forged_checkpoint_over_a_rewritten_chain_is_named() throws Exception {
        Path log = logWith(25);
        List<String> lines = lines(log);
        // The attacker edits record 3 and recomputes every hash after it, but cannot sign with the instance's key.
        KeyPair own = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String prev = AuditLines.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            ObjectNode node = (ObjectNode) JSON.readTree(lines.get(i));
            node.remove("hash");
            node.remove("signature");
            if (i == 2) {
                node.put("reason", "nothing happened");
            }
            node.put("prev", prev);
            if (node.path("type").asText().equals("checkpoint")) {
                node.put("head", prev);
            }
            byte[] body = JSON.writeValueAsBytes(node);
            if (node.path("type").asText().equals("checkpoint")) {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(own.getPrivate());
                signer.update(body);
                body = AuditLines.withSignature(body, signer.sign());
            }
            byte[] sealed = AuditLines.sealed(body);
            lines.set(i, new String(sealed, StandardCharsets.UTF_8));
            prev = AuditLines.hashOf(sealed);
        }
        write(log, lines);

        assertBroken(11, "forged or changed checkpoint");
    }

    @Test
    void the_chain_goes_on_across_rotated_files_and_restarts() throws IOException {
        AuditLogSettings small = AuditLogSettings.in(data).with(10, Duration.ofHours(1), 2048);
        try (FileAuditTrail trail = FileAuditTrail.open(small, Clock.systemUTC())) {
            for (int i = 0; i < 12; i++) {
                trail.record(record(i));
            }
        }
        try (FileAuditTrail trail = FileAuditTrail.open(small, Clock.systemUTC())) {
            for (int i = 0; i < 12; i++) {
                trail.record(record(i));
            }
        }

        assertThat(FileAuditTrail.logFiles(data.resolve("audit")).size()).isGreaterThan(2);
        AuditLogVerifier.Result result = verify();
        assertThat(result).as(result.describe()).isInstanceOf(AuditLogVerifier.Intact.class);

        Files.delete(data.resolve("audit").resolve("audit-000002.log"));
        assertThat(verify().describe()).contains("audit-000002.log").contains("missing");
    }

    @Test
    void a_log_cut_by_a_crash_goes_on_in_a_new_file_and_the_verifier_still_reports_the_torn_line() throws IOException {
        Path log = logWith(5);
        Files.writeString(log, "{\"seq\":7,\"type\":\"rec", java.nio.file.StandardOpenOption.APPEND);

        try (FileAuditTrail trail = FileAuditTrail.open(settings(), Clock.systemUTC())) {
            trail.record(record(9));
        }

        assertThat(data.resolve("audit").resolve("audit-000002.log")).exists();
        assertBroken(7, "cut short");
    }

    private void assertBroken(long line, String reason) throws IOException {
        AuditLogVerifier.Result result = verify();
        assertThat(result).as(result.describe()).isInstanceOf(AuditLogVerifier.Broken.class);
        AuditLogVerifier.Broken broken = (AuditLogVerifier.Broken) result;
        assertThat(broken.line()).as(result.describe()).isEqualTo(line);
        assertThat(broken.reason()).contains(reason);
    }
}
