package io.artstore.ingester.kafka;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Audit log lines as records of the audit topic: the line exactly as the file holds it (so that a consumer can check
 * its hash chain and the checkpoints' signatures as the verifier does), keyed by the instance so that one
 * instance's chain stays in one partition, in order. The header {@code event_id} is {@code <instance>:<seq>}: a
 * line sent twice (a relay that restarted before it recorded its progress) carries the same one.
 */
public final class AuditMessages {

    public static final String LINE_TYPE_HEADER = "audit_line_type";
    public static final String SEQ_HEADER = "audit_seq";

    private AuditMessages() {
    }

    /**
     * @param type {@code record} or {@code checkpoint}
     * @param line the line's bytes without its newline
     */
    public static ProducerRecord<byte[], byte[]> record(String topic, String instanceId, long seq, String type, byte[] line) {
        return new ProducerRecord<>(topic, null, FileEventMessages.bytes(instanceId), line, List.of(
                FileEventMessages.header(FileEventMessages.EVENT_ID_HEADER, instanceId + ":" + seq),
                FileEventMessages.header(LINE_TYPE_HEADER, type),
                FileEventMessages.header(SEQ_HEADER, Long.toString(seq)),
                FileEventMessages.header(FileEventMessages.CONTENT_TYPE_HEADER, "application/json")));
    }
}
