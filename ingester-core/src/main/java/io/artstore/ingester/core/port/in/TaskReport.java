package io.artstore.ingester.core.port.in;

import java.util.Map;

/** What a task did, in a few counts or ids, for the log. */
public record TaskReport(Map<String, Object> facts) {
    public TaskReport {
        facts = Map.copyOf(facts);
    }
}
