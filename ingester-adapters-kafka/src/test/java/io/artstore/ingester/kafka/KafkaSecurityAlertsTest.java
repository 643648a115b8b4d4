package io.artstore.ingester.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaSecurityAlertsTest {

    private static final SecurityAlert ALERT = new SecurityAlert(Instant.parse("2026-12-07T08:00:00Z"),
            SecurityAlert.Kind.UPLOAD_FLOOD, new Caller("user-1", "alice", Optional.of("web"), Optional.of("jti-1")),
            Optional.of("10.0.0.7"), Optional.of(FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b")), "120 uploads");

    @Test
    void raisingNeverWaitsForTheBrokerAndTheAlertGoesOutWithItsFields() throws Exception {
        CountDownLatch brokerBack = new CountDownLatch(1);
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                // As the real client blocks while it has no metadata for the topic.
                try {
                    brokerBack.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        KafkaSender sender = new KafkaSender(KafkaSettings.plaintext("127.0.0.1:9", "test"), () -> producer, KafkaSender.ACKNOWLEDGEMENT_WAIT);
        try (KafkaSecurityAlerts alerts = new KafkaSecurityAlerts(sender, "alerts", "ingester-1")) {
            CompletableFuture<Void> raised = CompletableFuture.runAsync(() -> alerts.raise(ALERT));
            try {
                raised.get(2, TimeUnit.SECONDS);
            } finally {
                brokerBack.countDown();
            }

            Await.until(Duration.ofSeconds(5), "the alert sent", () -> producer.history().size() == 1);
        }
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("alerts");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("upload_flood");
        JsonNode json = new ObjectMapper().readTree(record.value());
        assertThat(json.path("kind").asText()).isEqualTo("upload_flood");
        assertThat(json.path("instance").asText()).isEqualTo("ingester-1");
        assertThat(json.path("subject").asText()).isEqualTo("user-1");
        assertThat(json.path("client_ip").asText()).isEqualTo("10.0.0.7");
        assertThat(json.path("file_id").asText()).isEqualTo("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(json.path("detail").asText()).isEqualTo("120 uploads");
        assertThat(new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8))
                .isEqualTo(json.path("alert_id").asText());
    }
}
