package io.artstore.ingester.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alerts raised by what goes through the API: disguised programs and floods of uploads. */
class SecurityAlertsServerTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("INGESTER_ALERTS_UPLOAD_FLOOD_COUNT", "6").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> alerts() throws IOException {
        Path file = server.dataDir().resolve("alerts").resolve(SecurityMonitor.FILE_NAME);
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static byte[] elf() {
        byte[] bytes = Content.random(4096);
        bytes[0] = 0x7f;
        bytes[1] = 'E';
        bytes[2] = 'L';
        bytes[3] = 'F';
        return bytes;
    }

    @Test
    void programs_disguised_by_their_name_raise_an_alert_and_honest_names_do_not() throws IOException {
        Reply disguised = server.upload("?target_mode=edit", Multipart.form().file("invoice.pdf", elf()));
        assertThat(disguised.status()).as("alerts do not refuse").isEqualTo(201);
        Reply script = server.upload("?target_mode=edit", Multipart.form().file("holiday.jpg",
                "#!/bin/sh\nrm -rf ~\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(script.status()).isEqualTo(201);
        assertThat(server.upload("?target_mode=edit", Multipart.form().file("tool.so", elf())).status()).isEqualTo(201);
        assertThat(server.upload("?target_mode=edit", Multipart.form().file("report.pdf",
                "%PDF-1.7 a real document".getBytes(StandardCharsets.US_ASCII))).status()).isEqualTo(201);

        List<String> suspicious = alerts().stream().filter(line -> line.contains("suspicious_content")).toList();
        assertThat(suspicious).hasSize(2);
        assertThat(suspicious.get(0)).contains("invoice.pdf").contains("ELF").contains(disguised.json().path("file_id").asText());
        assertThat(suspicious.get(1)).contains("holiday.jpg").contains("script");
    }

    @Test
    void a_signature_that_no_longer_verifies_raises_an_alert() throws IOException {
        Reply signed = server.upload("?target_mode=edit&sign=true", Multipart.form().file("contract.txt", Content.random(10_000)));
        assertThat(signed.status()).as(signed.toString()).isEqualTo(201);
        String fileId = signed.json().path("file_id").asText();
        assertThat(server.get("/api/v1/files/" + fileId + "/signature/verify").json().path("valid").asBoolean()).isTrue();
        assertThat(alerts()).noneSatisfy(line -> assertThat(line).contains("signature_invalid"));

        Path stored = server.storedFile(signed.json());
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(stored, bytes);

        assertThat(server.get("/api/v1/files/" + fileId + "/signature/verify").json().path("valid").asBoolean()).isFalse();
        assertThat(alerts()).anySatisfy(line -> assertThat(line).contains("signature_invalid").contains(fileId));
    }

    @Test
    void a_flood_of_uploads_from_one_address_raises_an_alert() throws IOException {
        long before = alerts().stream().filter(line -> line.contains("upload_flood")).count();
        for (int i = 0; i < 6; i++) {
            server.upload("?target_mode=edit", Multipart.form().file("f" + i + ".txt", Content.random(10)));
        }
        assertThat(alerts().stream().filter(line -> line.contains("upload_flood")).count()).isGreaterThan(before);
        assertThat(alerts()).anySatisfy(line -> assertThat(line).contains("upload_flood").contains("IP 127.0.0.1"));
    }
}
