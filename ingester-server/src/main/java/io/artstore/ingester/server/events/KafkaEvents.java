package io.artstore.ingester.server.events;

import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import io.artstore.ingester.kafka.AuditMessages;
import io.artstore.ingester.kafka.FileEventMessages;
import io.artstore.ingester.kafka.KafkaSecurityAlerts;
import io.artstore.ingester.kafka.KafkaSender;
import io.artstore.ingester.kafka.KafkaSettings;
import io.artstore.ingester.storage.audit.AuditLogTail;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What goes to Kafka: the file events of the outbox and the lines of the audit log, each through a relay of its
 * own, and security alerts as they are raised; one idempotent producer for all.
 */
public final class KafkaEvents implements AutoCloseable {

    /** The audit relay's cursor, under the data folder. */
    public static final String AUDIT_CURSOR = "kafka/audit-relay.cursor";

    private final KafkaSender sender;
    private final Relay<OutboxEvent> events;
    private final Relay<AuditLogTail.Line> audit;
    private final KafkaSecurityAlerts alerts;

    private KafkaEvents(KafkaSender sender, Relay<OutboxEvent> events, Relay<AuditLogTail.Line> audit,
            KafkaSecurityAlerts alerts) {
        this.sender = sender;
        this.events = events;
        this.audit = audit;
        this.alerts = alerts;
    }

    /**
     * Starts the relays.
     *
     * @param auditFolder the audit log's folder
     * @param dataDir where the audit relay keeps its cursor ({@value #AUDIT_CURSOR})
     */
    public static KafkaEvents start(KafkaSettings settings, EventOutbox outbox, Path auditFolder, Path dataDir,
            String instanceId, Relay.Settings relaySettings) {
        Objects.requireNonNull(instanceId, "instanceId");
        KafkaSender sender = new KafkaSender(settings);
        KafkaSettings.Topics topics = settings.topics();
        Relay<OutboxEvent> events = Relay.start(Relay.of(outbox),
                batch -> sender.sendAll(batch, entry -> FileEventMessages.record(topics.fileEvents(), entry)),
                relaySettings, "kafka-file-events");
        Relay<AuditLogTail.Line> audit = Relay.start(new AuditLogSource(auditFolder, dataDir.resolve(AUDIT_CURSOR)),
                batch -> sender.sendAll(batch, line -> AuditMessages.record(topics.audit(), instanceId, line.seq(), line.type(),
                        line.bytes())),
                relaySettings, "kafka-audit");
        return new KafkaEvents(sender, events, audit, new KafkaSecurityAlerts(sender, topics.alerts(), instanceId));
    }

    /** Security alerts to the alerts topic. */
    public SecurityAlerts alerts() {
        return alerts;
    }

    /** The file events relay, for its counts. */
    public Relay<OutboxEvent> fileEvents() {
        return events;
    }

    /** Stops the relays; a batch still waiting for the broker fails as the producer closes, and stays in its source. */
    @Override
    public void close() {
        events.stopSoon();
        audit.stopSoon();
        alerts.close();
        try {
            sender.close();
        } finally {
            events.close();
            audit.close();
        }
    }
}
