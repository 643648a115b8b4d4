package io.artstore.ingester.core.port.out;

/**
 * Where audit records go. Implementations are thread-safe and tamper-evident; {@link #record} returns once the
 * record is in the trail's order (its durability is the implementation's to document) and never throws for a
 * record it cannot keep: it reports that itself, so that auditing never turns a done operation into a failed one.
 */
public interface AuditTrail {

    void record(AuditRecord record);

    /** Keeps nothing: for tests and tools that audit nothing. */
    static AuditTrail none() {
        return record -> { };
    }
}
