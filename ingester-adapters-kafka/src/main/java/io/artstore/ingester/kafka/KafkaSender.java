package io.artstore.ingester.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * One idempotent producer shared by the ingester's topics. {@link #sendAll} returns only when the broker has
 * acknowledged every record of a batch ({@code acks=all}), which is when a relay may forget them.
 */
public final class KafkaSender implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final KafkaSettings settings;

    public KafkaSender(KafkaSettings settings) {
        this(settings, new KafkaProducer<>(settings.producerProperties()));
    }

    KafkaSender(KafkaSettings settings, Producer<byte[], byte[]> producer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.producer = Objects.requireNonNull(producer, "producer");
    }

    public KafkaSettings settings() {
        return settings;
    }

    /**
     * Sends the records in order and waits for the broker to acknowledge all of them.
     *
     * @throws KafkaSendException when any was not acknowledged (the others may have been: sending the batch again
     *     writes those twice, with the same event ids)
     */
    public <T> void sendAll(List<T> items, Function<T, ProducerRecord<byte[], byte[]>> toRecord) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(items.size());
        KafkaSendException failure = null;
        try {
            for (T item : items) {
                sent.add(producer.send(toRecord.apply(item)));
            }
        } catch (KafkaException e) {
            failure = new KafkaSendException("the broker did not take the records: " + e.getMessage(), e);
        }
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = new KafkaSendException("the broker did not acknowledge a record: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaSendException("interrupted while waiting for the broker", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Sends one record without waiting; {@code onFailure} hears of a record the broker did not take. */
    public void sendLater(ProducerRecord<byte[], byte[]> record, Consumer<Exception> onFailure) {
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception != null) {
                    onFailure.accept(exception);
                }
            });
        } catch (KafkaException e) {
            onFailure.accept(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
