package io.artstore.ingester.core.port.out;

import java.time.Instant;
import java.util.Objects;

/** Where the discovered set of storage elements comes from now. */
public sealed interface DiscoveryStatus {

    /** Read from the discovery service; {@code since} is when it was last reached after being unreachable. */
    record Live(String source, Instant since) implements DiscoveryStatus {
        public Live {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(since, "since");
        }
    }

    /**
     * The discovery service cannot be read (since {@code since}, for {@code reason}); the last set seen is used,
     * from memory or from the copy kept on disk.
     */
    record Fallback(Instant since, String reason) implements DiscoveryStatus {
        public Fallback {
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
