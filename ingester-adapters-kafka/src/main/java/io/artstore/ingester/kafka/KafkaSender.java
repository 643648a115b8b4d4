package io.artstore.ingester.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One idempotent producer shared by the ingester's topics. {@link #sendAll} returns only when the broker has
 * acknowledged every record of a batch ({@code acks=all}), which is when a relay may forget them. The client retries
 * without end (see {@link KafkaSettings#producerProperties()}), but a batch waits for it at most
 * {@link #ACKNOWLEDGEMENT_WAIT}: past that it fails, the producer is replaced and the relay sends the batch again, so
 * that a client which stopped making progress after the broker came back cannot hold the events back for good.
 * {@link #close()} fails what is still pending.
 */
public final class KafkaSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSender.class);
    private static final ByteBuffer NO_KEY = ByteBuffer.allocate(0);
    static final Duration ACKNOWLEDGEMENT_WAIT = Duration.ofSeconds(30);

    private final KafkaSettings settings;
    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Duration acknowledgementWait;
    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean closed;

    public KafkaSender(KafkaSettings settings) {
        this(settings, () -> new KafkaProducer<>(settings.producerProperties()), ACKNOWLEDGEMENT_WAIT);
    }

    KafkaSender(KafkaSettings settings, Supplier<Producer<byte[], byte[]>> producers, Duration acknowledgementWait) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.producers = Objects.requireNonNull(producers, "producers");
        this.acknowledgementWait = Objects.requireNonNull(acknowledgementWait, "acknowledgementWait");
        this.producer = producers.get();
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
        Producer<byte[], byte[]> producer = this.producer;
        List<Future<RecordMetadata>> sent = new ArrayList<>(items.size());
        Set<ByteBuffer> keysInFlight = new HashSet<>();
        KafkaSendException failure = null;
        try {
            for (T item : items) {
                ProducerRecord<byte[], byte[]> record = toRecord.apply(item);
                ByteBuffer key = record.key() == null ? NO_KEY : ByteBuffer.wrap(record.key());
                // A key's next record goes out only once its previous one is acknowledged: had that one failed while
                // the next went through, the batch sent again would put the next before it.
                if (!keysInFlight.add(key)) {
                    failure = awaitAll(sent);
                    if (failure != null) {
                        sent.clear(); // waited for already
                        break;
                    }
                    sent.clear();
                    keysInFlight.clear();
                    keysInFlight.add(key);
                }
                sent.add(producer.send(record));
            }
        } catch (KafkaException e) {
            failure = new KafkaSendException("the broker did not take the records: " + e.getMessage(), e);
        }
        KafkaSendException last = awaitAll(sent);
        if (failure == null) {
            failure = last;
        }
        if (failure != null) {
            renew(producer);
            throw failure;
        }
    }

    /**
     * Waits for every record sent, up to the acknowledgement wait in all; the first failure, or null when the broker
     * acknowledged them all.
     */
    private KafkaSendException awaitAll(List<Future<RecordMetadata>> sent) {
        KafkaSendException failure = null;
        long deadline = System.nanoTime() + acknowledgementWait.toNanos();
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = new KafkaSendException("the broker did not acknowledge a record: " + e.getCause(), e.getCause());
                }
            } catch (TimeoutException e) {
                return new KafkaSendException(sent.size() + " records not acknowledged within " + acknowledgementWait.toSeconds()
                        + " s; they go again through a new producer", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaSendException("interrupted while waiting for the broker", e);
            }
        }
        return failure;
    }

    /**
     * A producer whose record failed although it never gives one up has met an error it does not recover from (or
     * was closed): the next batch goes through a new one.
     */
    private synchronized void renew(Producer<byte[], byte[]> failed) {
        if (closed || producer != failed) {
            return;
        }
        producer = producers.get();
        failed.close(Duration.ZERO);
        LOG.info("a new Kafka producer replaces one whose record failed");
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

    /** Waits up to 5 s for what is in flight, then fails the rest: the relays' outboxes still hold it. */
    @Override
    public void close() {
        Producer<byte[], byte[]> last;
        synchronized (this) {
            closed = true;
            last = producer;
        }
        last.close(Duration.ofSeconds(5));
    }
}
