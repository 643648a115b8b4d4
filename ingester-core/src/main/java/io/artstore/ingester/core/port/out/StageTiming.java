package io.artstore.ingester.core.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How long one stage of one upload worked: the time spent in the stage itself ({@code busy}), not counting the
 * stages it waited on, from its first byte ({@code start}) to its last ({@code end}).
 *
 * @param stage receive, digest, compress, sign, store, ...
 * @param element the storage element the upload went to, when the stage concerns one
 * @param bytes the bytes the stage passed on
 */
public record StageTiming(String stage, Optional<String> element, Instant start, Instant end, Duration busy, long bytes) {

    public StageTiming {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(busy, "busy");
        if (busy.isNegative()) {
            busy = Duration.ZERO;
        }
        if (end.isBefore(start)) {
            end = start;
        }
    }
}
