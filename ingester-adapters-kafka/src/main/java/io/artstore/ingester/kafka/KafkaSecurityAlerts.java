package io.artstore.ingester.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security alerts on the alerts topic, keyed by the alert's kind, sent without waiting: the alerts file and the
 * log line stay the record, the topic is for whoever watches in real time. A send that fails is logged.
 */
public final class KafkaSecurityAlerts implements SecurityAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSecurityAlerts.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final KafkaSender sender;
    private final String topic;
    private final String instanceId;

    public KafkaSecurityAlerts(KafkaSender sender, String topic, String instanceId) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    }

    @Override
    public void raise(SecurityAlert alert) {
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
