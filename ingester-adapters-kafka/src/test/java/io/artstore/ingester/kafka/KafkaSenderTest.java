package io.artstore.ingester.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaSenderTest {

    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();

    private KafkaSender sender(boolean autoComplete) {
        return sender(autoComplete, Duration.ofMinutes(1));
    }

    private KafkaSender sender(boolean autoComplete, Duration acknowledgementWait) {
        return new KafkaSender(KafkaSettings.plaintext("127.0.0.1:9", "test"), () -> {
            MockProducer<byte[], byte[]> producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            producers.add(producer);
            return producer;
        }, acknowledgementWait);
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>("t", value.getBytes(), value.getBytes());
    }

    @Test
    void sendAllReturnsOnceEveryRecordIsAcknowledgedInOrder() {
        KafkaSender sender = sender(true);

        sender.sendAll(List.of("a", "b", "c"), KafkaSenderTest::record);

        assertThat(producers.get(0).history()).extracting(r -> new String(r.value())).containsExactly("a", "b", "c");
    }

    @Test
    void aRecordTheBrokerRefusesFailsTheBatchAndTheNextBatchGoesThroughANewProducer() throws Exception {
        KafkaSender sender = sender(false);
        CompletableFuture<Void> attempt = CompletableFuture.runAsync(() -> sender.sendAll(List.of("a", "b"), KafkaSenderTest::record));
        MockProducer<byte[], byte[]> first = producers.get(0);
        Await.until(Duration.ofSeconds(5), "both records handed over",
                () -> first.history().size() == 2);
        first.completeNext();
        first.errorNext(new RecordTooLargeException("too large"));

        assertThatThrownBy(() -> attempt.join()).hasCauseInstanceOf(KafkaSendException.class);
        assertThat(producers).hasSize(2);
        assertThat(first.closed()).isTrue();

        CompletableFuture<Void> next = CompletableFuture.runAsync(() -> sender.sendAll(List.of("c"), KafkaSenderTest::record));
        Await.until(Duration.ofSeconds(5), "the record handed to the new producer",
                () -> producers.get(1).history().size() == 1);
        producers.get(1).completeNext();
        next.join();
        assertThat(producers.get(1).history()).extracting(r -> new String(r.value())).containsExactly("c");
    }

    private static ProducerRecord<byte[], byte[]> keyed(String keyAndValue) {
        String[] parts = keyAndValue.split("=");
        return new ProducerRecord<>("t", parts[0].getBytes(), parts[1].getBytes());
    }

    @Test
    void aKeysNextRecordWaitsUntilItsPreviousOneIsAcknowledged() throws Exception {
        KafkaSender sender = sender(false);
        CompletableFuture<Void> attempt = CompletableFuture.runAsync(
                () -> sender.sendAll(List.of("a=added", "b=added", "a=deleted"), KafkaSenderTest::keyed));
        MockProducer<byte[], byte[]> producer = producers.get(0);
        Await.until(Duration.ofSeconds(5), "the first two records handed over", () -> producer.history().size() == 2);

        // a's delete is held back while a's add is unacknowledged: were the add lost, the delete would overtake it.
        assertThat(producer.history()).hasSize(2);
        producer.completeNext();
        producer.completeNext();
        Await.until(Duration.ofSeconds(5), "a's next record handed over", () -> producer.history().size() == 3);
        producer.completeNext();
        attempt.join();
        assertThat(producer.history()).extracting(r -> new String(r.value())).containsExactly("added", "added", "deleted");
    }

    @Test
    void whenARecordFailsItsKeysNextRecordIsNotSent() {
        KafkaSender sender = sender(false);
        CompletableFuture<Void> attempt = CompletableFuture.runAsync(
                () -> sender.sendAll(List.of("a=added", "a=deleted"), KafkaSenderTest::keyed));
        MockProducer<byte[], byte[]> producer = producers.get(0);
        Await.until(Duration.ofSeconds(5), "the add handed over", () -> producer.history().size() == 1);

        producer.errorNext(new RecordTooLargeException("too large"));

        assertThatThrownBy(attempt::join).hasCauseInstanceOf(KafkaSendException.class);
        assertThat(producer.history()).extracting(r -> new String(r.value())).containsExactly("added");
    }

    @Test
    void aBatchTheClientNeverAcknowledgesFailsAfterTheWaitAndGoesAgainThroughANewProducer() {
        KafkaSender sender = sender(false, Duration.ofMillis(300));
        CompletableFuture<Void> attempt = CompletableFuture.runAsync(() -> sender.sendAll(List.of("a", "b"), KafkaSenderTest::record));

        assertThatThrownBy(attempt::join).hasCauseInstanceOf(KafkaSendException.class)
                .hasMessageContaining("not acknowledged within");
        assertThat(producers.get(0).history()).hasSize(2);
        assertThat(producers.get(0).closed()).as("the stuck producer is let go").isTrue();

        CompletableFuture<Void> again = CompletableFuture.runAsync(() -> sender.sendAll(List.of("a", "b"), KafkaSenderTest::record));
        Await.until(Duration.ofSeconds(5), "the batch handed to the new producer", () -> producers.get(1).history().size() == 2);
        producers.get(1).completeNext();
        producers.get(1).completeNext();
        again.join();
        assertThat(producers).hasSize(2);
    }
}
