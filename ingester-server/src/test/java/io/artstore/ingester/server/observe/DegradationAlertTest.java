package io.artstore.ingester.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.audit.SecurityMonitor;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A storage element that slows down is named in a degradation alert, on the alert channel the security alerts use. */
class DegradationAlertTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void a_slowed_element_raises_a_degradation_alert_naming_it_and_the_stage() {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element slow = remote.start("remote-edit", Mode.EDIT, 10, Transport.PLAIN);
            remote.start("remote-rw", Mode.RW, 10, Transport.PLAIN);
            // Windows of 5 timings; 3 windows learn the baseline, weighted towards the latest (so that the first,
            // slow uploads of a cold JVM are soon forgotten); then a p95 above 3 times the baseline raises an alert.
            try (TestServer server = TestServer.builder().yaml(remote.yaml(""))
                    .env("INGESTER_DETECTION_WINDOW_SAMPLES", "5")
                    .env("INGESTER_DETECTION_MIN_SAMPLES", "5")
                    .env("INGESTER_DETECTION_WARMUP_WINDOWS", "3")
                    .env("INGESTER_DETECTION_EWMA_ALPHA", "0.8")
                    .env("INGESTER_DETECTION_LATENCY_FACTOR", "3")
                    .env("INGESTER_DETECTION_MIN_LATENCY", "100ms")
                    .start()) {
                for (int i = 0; i < 15; i++) {
                    upload(server);
                }
                assertThat(alerts(server)).as("nothing drifted while the element was quick").noneSatisfy(alert ->
                        assertThat(alert.path("alert").asText()).isEqualTo("degradation"));

                slow.server().faults().latency(Duration.ofMillis(400));
                for (int i = 0; i < 5; i++) {
                    upload(server);
                }

                List<JsonNode> degradations = alerts(server).stream()
                        .filter(alert -> alert.path("alert").asText().equals("degradation")).toList();
                assertThat(degradations).as("alerts: %s", degradations).isNotEmpty().allSatisfy(alert -> {
                    assertThat(alert.path("storage_element").asText()).isEqualTo("remote-edit");
                    assertThat(alert.path("detail").asText()).contains("remote-edit");
                    assertThat(alert.path("subject").asText()).isEqualTo("ingester");
                });
                assertThat(degradations.stream().map(alert -> alert.path("stage").asText()))
                        .as("the upload's write to the element").contains("store");
            }
        }
    }

    private static void upload(TestServer server) {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(2_000)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    }

    private static List<JsonNode> alerts(TestServer server) {
        Path file = server.dataDir().resolve("alerts").resolve(SecurityMonitor.FILE_NAME);
        List<JsonNode> alerts = new ArrayList<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    alerts.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return alerts;
    }
}
