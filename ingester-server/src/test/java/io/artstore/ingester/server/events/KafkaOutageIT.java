package io.artstore.ingester.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.OutboxStatus;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.kafka.fixture.KafkaBroker;
import io.artstore.ingester.kafka.fixture.KafkaBrokerExtension;
import io.artstore.ingester.kafka.fixture.Kcat;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker killed (SIGKILL) while files are uploaded and deleted: the events wait in the outbox and all arrive
 * once it is back, in order per file, none lost, a duplicate only as a copy with the same event id. And a full
 * outbox refuses new operations with 503 rather than lose their events.
 *
 * <p>The outage lasts {@code -Dkafka.outage.seconds} (60 by default, as in CI; shorter for a quick local run).
 */
class KafkaOutageIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.own();

    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("kafka.outage.seconds", 60));

    private TestServer server;

    @AfterEach
    void cleanUp() {
        if (server != null) {
            server.close();
        }
        // Each test leaves a running broker to the next.
        if (!KAFKA.broker().running()) {
            KAFKA.broker().restart();
        }
    }

    @Test
    void everyEventOfFiveHundredUploadsArrivesInOrderAfterTheBrokerWasKilledForAMinute() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = "outage.file-events." + UUID.randomUUID();
        server = serverOn(broker, topic, 100_000);
        Map<String, List<String>> expected = new ConcurrentHashMap<>();

        run(100, i -> upload(expected, i, false));
        broker.kill();
        Instant killedAt = Instant.now();
        run(300, i -> upload(expected, i, i % 3 == 0));
        OutboxStatus during = server.server().outboxStatus().orElseThrow();
        assertThat(during.depth()).as("events of the uploads during the outage wait in the outbox").isGreaterThanOrEqualTo(300);
        Await.until(OUTAGE.plusSeconds(30), "the end of the outage", () -> !Instant.now().isBefore(killedAt.plus(OUTAGE)));
        assertThat(server.server().outboxStatus().orElseThrow().depth()).isGreaterThanOrEqualTo(300);
        assertThat(server.server().outboxStatus().orElseThrow().oldestAge(Instant.now())).isGreaterThanOrEqualTo(OUTAGE.minusSeconds(1));
        broker.restart();
        run(100, i -> upload(expected, i, false));

        assertThat(expected).hasSize(500);
        int events = expected.values().stream().mapToInt(List::size).sum();
        try {
            Await.until(Duration.ofSeconds(120), "the outbox emptied", () -> server.server().outboxStatus().orElseThrow().depth() == 0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + server.server().outboxStatus().orElseThrow().depth()
                    + " events wait; the relay: " + stackOf("kafka-file-events"), e);
        }
        List<Kcat.Message> messages = new ArrayList<>();
        Await.until(Duration.ofSeconds(60), events + " distinct events on " + topic, () -> {
            messages.clear();
            messages.addAll(Kcat.readAll(broker.bootstrapServers(), topic));
            return messages.stream().map(m -> m.headers().get("event_id")).distinct().count() >= events;
        });

        // Duplicates only as copies: one event id, one content.
        Map<String, Set<String>> payloadsById = messages.stream().collect(Collectors.groupingBy(
                m -> m.headers().get("event_id"), Collectors.mapping(Kcat.Message::payload, Collectors.toSet())));
        assertThat(payloadsById).hasSize(events);
        assertThat(payloadsById.values()).allSatisfy(payloads -> assertThat(payloads).hasSize(1));
        // Each file's events, first copies in partition order, are exactly what happened to it, in that order.
        Map<String, List<String>> seen = new LinkedHashMap<>();
        Set<String> firstCopies = ConcurrentHashMap.newKeySet();
        messages.stream().sorted((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                        : Long.compare(a.offset(), b.offset()))
                .filter(m -> firstCopies.add(m.headers().get("event_id")))
                .forEach(m -> seen.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m.json().path("type").asText()));
        assertThat(seen).isEqualTo(expected);
        System.out.printf("outage %s: %d events, %d records read (%d duplicates)%n", OUTAGE, events, messages.size(),
                messages.size() - events);
    }

    @Test
    void aFullOutboxRefusesNewOperationsWith503AndLosesNoEvent() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = "full.file-events." + UUID.randomUUID();
        broker.kill();
        server = serverOn(broker, topic, 3);
        Map<String, List<String>> expected = new ConcurrentHashMap<>();
        for (int i = 0; i < 3; i++) {
            upload(expected, i, false);
        }
        assertThat(server.server().outboxStatus().orElseThrow().full()).isTrue();
        int filesBefore = server.files().size();

        Reply refused = server.upload("?target_mode=edit", Multipart.form().file("refused.bin", Content.random(10)));
        String kept = expected.keySet().iterator().next();
        Reply delete = server.delete("/api/v1/files/" + kept);
        Reply read = server.get("/api/v1/files/" + kept);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("outbox_full");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(delete.status()).isEqualTo(503);
        assertThat(delete.code()).isEqualTo("outbox_full");
        assertThat(read.status()).as("reads go on").isEqualTo(200);
        assertThat(server.files()).as("nothing of the refused upload was stored").hasSize(filesBefore);

        broker.restart();
        Await.until(Duration.ofSeconds(90), "the outbox drained", () -> !server.server().outboxStatus().orElseThrow().full());
        upload(expected, 3, false);

        Await.until(Duration.ofSeconds(60), "four events on " + topic, () -> Kcat.readAll(broker.bootstrapServers(), topic)
                .stream().map(m -> m.headers().get("event_id")).distinct().count() == 4);
        List<Kcat.Message> messages = Kcat.readAll(broker.bootstrapServers(), topic);
        assertThat(messages.stream().map(Kcat.Message::key).collect(Collectors.toSet())).isEqualTo(expected.keySet());
    }

    private static TestServer serverOn(KafkaBroker broker, String topic, int outboxMax) {
        return TestServer.builder()
                .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
                .env("KAFKA_TOPIC_FILE_EVENTS", topic)
                .env("KAFKA_TOPIC_AUDIT", topic + ".audit")
                .env("KAFKA_TOPIC_ALERTS", topic + ".alerts")
                .env("INGESTER_OUTBOX_MAX_EVENTS", Integer.toString(outboxMax))
                .start();
    }

    /** Uploads one file to edit and, when asked, deletes it; records the events each should cause. */
    private void upload(Map<String, List<String>> expected, int i, boolean thenDelete) {
        Reply uploaded = server.upload("?target_mode=edit", Multipart.form().file("f" + i + ".bin", Content.random(64 + i)));
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String fileId = uploaded.json().path("file_id").asText();
        List<String> types = Collections.synchronizedList(new ArrayList<>(List.of("file_added")));
        expected.put(fileId, types);
        if (thenDelete) {
            Reply deleted = server.delete("/api/v1/files/" + fileId);
            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
            types.add("file_deleted");
        }
    }

    /** Where a thread is, to tell a relay that waits for the broker from one that is stuck. */
    private static String stackOf(String threadName) {
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().getName().equals(threadName))
                .map(e -> Arrays.stream(e.getValue()).map(String::valueOf).collect(Collectors.joining("\n  at ", "\n  at ", "")))
                .findFirst().orElse("no thread " + threadName);
    }

    /** {@code count} operations from four clients at once. */
    private static void run(int count, IntConsumer operation) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                done.add(clients.submit(() -> operation.accept(n)));
            }
            for (Future<?> future : done) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
