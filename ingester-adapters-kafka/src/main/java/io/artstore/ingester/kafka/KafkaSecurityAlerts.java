package io.artstore.ingester.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security alerts on the alerts topic, keyed by the alert's kind, sent without waiting: the alerts file and the
 * log line stay the record, the topic is for whoever watches in real time. A send that fails is logged.
 *
 * <p>Alerts are handed to the producer by a thread of their own, so that the request that raised one never waits
 * for the broker (the producer blocks while it has no metadata or its buffer is full); at most
 * {@value #MAX_WAITING} wait for that thread, further ones are dropped with a log line.
 */
public final class KafkaSecurityAlerts implements SecurityAlerts, AutoCloseable {

    static final int MAX_WAITING = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSecurityAlerts.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaSender sender;
    private final String topic;
    private final String instanceId;
    private final ThreadPoolExecutor handOver;

    public KafkaSecurityAlerts(KafkaSender sender, String topic, String instanceId) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.handOver = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_WAITING), runnable -> {
            Thread thread = new Thread(runnable, "kafka-alerts");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void raise(SecurityAlert alert) {
        try {
            handOver.execute(() -> send(alert));
        } catch (RejectedExecutionException e) {
            LOG.warn("security alert {} not sent to topic {}: {} alerts wait already", alert.kind().wireName(), topic, MAX_WAITING);
        }
    }

    /** Stops handing alerts over; those still waiting are dropped (the alerts file has them). */
    @Override
    public void close() {
        handOver.shutdownNow();
    }

    private void send(SecurityAlert alert) {
        try {
            String alertId = UUID.randomUUID().toString();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                    FileEventMessages.bytes(alert.kind().wireName()), value(alertId, alert),
                    List.of(FileEventMessages.header(FileEventMessages.EVENT_ID_HEADER, alertId),
                            FileEventMessages.header(FileEventMessages.EVENT_TYPE_HEADER, alert.kind().wireName()),
                            FileEventMessages.header(FileEventMessages.SCHEMA_VERSION_HEADER,
                                    Integer.toString(FileEventMessages.SCHEMA_VERSION)),
                            FileEventMessages.header(FileEventMessages.CONTENT_TYPE_HEADER, "application/json")));
            sender.sendLater(record, failure -> LOG.warn("security alert {} not sent to topic {}: {}", alert.kind().wireName(),
                    topic, failure.toString()));
        } catch (RuntimeException e) {
            LOG.warn("security alert {} not sent to topic {}: {}", alert.kind().wireName(), topic, e.toString());
        }
    }

    private byte[] value(String alertId, SecurityAlert alert) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("schema_version", FileEventMessages.SCHEMA_VERSION);
        node.put("alert_id", alertId);
        node.put("time", alert.time().toString());
        node.put("kind", alert.kind().wireName());
        node.put("instance", instanceId);
        node.put("subject", alert.caller().subject());
        node.put("name", alert.caller().name());
        alert.caller().clientId().ifPresent(id -> node.put("client_id", id));
        alert.caller().tokenId().ifPresent(id -> node.put("token_id", id));
        alert.clientIp().ifPresent(ip -> node.put("client_ip", ip));
        alert.fileId().ifPresent(id -> node.put("file_id", id.toString()));
        node.put("detail", alert.detail());
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the alert as JSON", e);
        }
    }
}
