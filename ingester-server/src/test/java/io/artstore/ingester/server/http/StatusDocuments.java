package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Status documents shaped like {@code GET /api/v1/status}, for tests to adjust. */
final class StatusDocuments {

    static final ObjectMapper JSON = new ObjectMapper();

    private StatusDocuments() {
    }

    /** An embedded instance with an edit and an rw element, both healthy. */
    static ObjectNode embedded() {
        ObjectNode status = JSON.createObjectNode()
                .put("service", "artstore-ingester")
                .put("version", "0.1.0")
                .put("instance_id", "ingester-7f3a")
                .put("started_at", "2026-11-25T22:00:00Z")
                .put("uptime_seconds", 7_384)
                .put("deployment", "embedded");
        status.putObject("auth").put("enabled", false);
        ObjectNode health = status.putObject("health").put("status", "ready").put("timestamp", "2026-11-26T00:03:04.512Z");
        health.putObject("checks").putObject("storage_elements").put("status", "ok").put("edit", 1).put("rw", 1);
        status.putArray("storage_elements")
                .add(element("local-edit", "edit", 1, "healthy", "/srv/artstore/data/storage/local-edit",
                        500L * GIB, 120L * GIB, 380L * GIB, 24.0, 3L * MIB / 2))
                .add(element("local-rw", "rw", 2, "healthy", "/srv/artstore/data/storage/local-rw",
                        2_000L * GIB, 1_840L * GIB, 160L * GIB, 92.0, 0));
        status.putObject("capacity").put("total", 2_500L * GIB).put("used", 1_960L * GIB).put("available", 540L * GIB)
                .put("file_systems", 2);
        status.putObject("reservations").put("outstanding_bytes", 3L * MIB / 2);
        status.putObject("transfers").put("in_flight", 1).put("committed", 12).put("aborted", 1).put("heuristic", 0);
        status.putObject("sagas").put("running", 2).put("compensating", 0).put("failed_compensation", 0)
                .put("completed_since_start", 42).put("compensated_since_start", 3).put("rejected_since_start", 1).put("parked_since_start", 0)
                .put("recovery_failures_since_start", 0);
        ObjectNode configuration = status.putObject("configuration");
        configuration.putObject("server").put("host", "127.0.0.1").put("port", 8020);
        configuration.putObject("upload").put("max_file_bytes", 1_073_741_824L).put("default_ttl_days", 30);
        configuration.putObject("auth").put("enabled", false).put("public_key_path", "***");
        configuration.putArray("storage_elements").addObject().put("id", "local-edit").put("mode", "edit");
        return status;
    }

    static ObjectNode element(String id, String mode, int priority, String health, String location,
            long total, long used, long available, double percentUsed, long reserved) {
        ObjectNode element = JSON.createObjectNode()
                .put("id", id)
                .put("mode", mode)
                .put("priority", priority)
                .put("health", health)
                .put("location", location);
        element.putObject("capacity").put("total", total).put("used", used).put("available", available)
                .put("percent_used", percentUsed);
        element.put("reserved_bytes", reserved);
        return element;
    }

    static final long MIB = 1024L * 1024;
    static final long GIB = 1024L * MIB;
}
