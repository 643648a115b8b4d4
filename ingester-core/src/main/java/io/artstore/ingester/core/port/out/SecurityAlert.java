package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that looks like an attack or abuse, raised as it happens.
 *
 * @param clientIp the client's address when the alert is about a request
 * @param detail what was seen, for a person to read
 */
public record SecurityAlert(Instant time, Kind kind, Caller caller, Optional<String> clientIp, Optional<FileId> fileId,
        String detail) {

    /** What was detected; the wire name appears in logs, the alerts file and metrics. */
    public enum Kind {
        AUTHENTICATION_FAILURES("authentication_failures"),
        TOKEN_REUSE("token_reuse"),
        MASS_DELETE("mass_delete"),
        UPLOAD_FLOOD("upload_flood"),
        SUSPICIOUS_CONTENT("suspicious_content"),
        SIGNATURE_INVALID("signature_invalid");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public SecurityAlert {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(detail, "detail");
    }
}
