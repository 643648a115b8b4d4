package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that looks like an attack, abuse or trouble, raised as it happens. Every alert of the ingester is one of
 * these, on one channel: security alerts and operational ones ({@link Kind#security()} tells which).
 *
 * @param clientIp the client's address when the alert is about a request
 * @param detail what was seen, for a person to read
 * @param labels what the alert is about beyond the caller, e.g. {@code stage} and {@code storage_element} of a
 *     degradation: fields of their own in the alerts file and the log line
 */
public record SecurityAlert(Instant time, Kind kind, Caller caller, Optional<String> clientIp, Optional<FileId> fileId,
        String detail, Map<String, String> labels) {

    /** What was detected; the wire name appears in logs, the alerts file and metrics. */
    public enum Kind {
        AUTHENTICATION_FAILURES("authentication_failures", true),
        TOKEN_REUSE("token_reuse", true),
        MASS_DELETE("mass_delete", true),
        UPLOAD_FLOOD("upload_flood", true),
        SUSPICIOUS_CONTENT("suspicious_content", true),
        SIGNATURE_INVALID("signature_invalid", true),
        /** A pipeline stage or storage element call slower (or of lower throughput) than its baseline. */
        DEGRADATION("degradation", false),
        /** An upload far larger or smaller than what its subject usually sends. */
        UNUSUAL_UPLOAD_SIZE("unusual_upload_size", true);

        private final String wireName;
        private final boolean security;

        Kind(String wireName, boolean security) {
            this.wireName = wireName;
            this.security = security;
        }

        public String wireName() {
            return wireName;
        }

        /** True for signs of attack or abuse, false for operational trouble such as a slow element. */
        public boolean security() {
            return security;
        }
    }

    public SecurityAlert(Instant time, Kind kind, Caller caller, Optional<String> clientIp, Optional<FileId> fileId,
            String detail) {
        this(time, kind, caller, clientIp, fileId, detail, Map.of());
    }

    public SecurityAlert {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(detail, "detail");
        labels = Map.copyOf(labels);
    }
}
