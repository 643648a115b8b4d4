package io.artstore.ingester.server.metrics;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.in.AddedFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The meters of file operations as the HTTP API answers them: outcomes by reason, durations, and for uploads their
 * size and duration by size class, element, mode and compression. Each operation also goes to the
 * {@link OperationHistory} of the analytics exports.
 */
public final class OperationMetrics {

    static final long MIB = 1024L * 1024;
    /** The edges of the size classes, also the buckets of the upload size histogram. */
    private static final double[] SIZE_EDGES = {MIB, 10 * MIB, 100 * MIB, 1024 * MIB};
    /** From a small upload on a fast disk to a large one over a slow link. */
    static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
        Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600)};

    private final MeterRegistry registry;
    private final OperationHistory history;

    OperationMetrics(MeterRegistry registry, OperationHistory history) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.history = Objects.requireNonNull(history, "history");
    }

    /** Starts timing one operation; end it with one of the sample's methods. */
    public Sample start(Operation operation) {
        return new Sample(operation, System.nanoTime());
    }

    /** The size class of an upload of {@code bytes}: the label that splits upload durations. */
    public static String sizeClass(long bytes) {
        if (bytes < MIB) {
            return "under_1MiB";
        }
        if (bytes < 10 * MIB) {
            return "1MiB_10MiB";
        }
        if (bytes < 100 * MIB) {
            return "10MiB_100MiB";
        }
        if (bytes < 1024 * MIB) {
            return "100MiB_1GiB";
        }
        return "over_1GiB";
    }

    /** The {@code compression} label: the codec applied, {@code skipped} when asked for and not worth it, or none. */
    static String compression(StoredContent content) {
        if (content.compressionSkipped().isPresent()) {
            return "skipped";
        }
        return content.compression().map(CompressionAlgorithm::wireName).orElse("none");
    }

    /** One operation being timed. */
    public final class Sample {
        private final Operation operation;
        private final long startedNanos;

        private Sample(Operation operation, long startedNanos) {
            this.operation = operation;
            this.startedNanos = startedNanos;
        }

        /** An upload that was stored. */
        public void uploaded(AddedFile added) {
            Duration took = elapsed();
            String element = added.entry().elementId().value();
            Mode mode = added.entry().mode();
            String compression = compression(added.content());
            long bytes = added.content().originalSize();
            Timer.builder("artstore.upload.duration")
                    .description("Time from the upload request's start to its answer, by the file's size class")
                    .tags("size_class", sizeClass(bytes), "element", element, "mode", mode.wireName(), "compression", compression)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry).record(took);
            DistributionSummary.builder("artstore.upload.size").baseUnit("bytes")
                    .description("Size of the uploaded files as sent (before compression)")
                    .tags("element", element, "mode", mode.wireName(), "compression", compression)
                    .serviceLevelObjectives(SIZE_EDGES)
                    .register(registry).record(bytes);
            Counter.builder("artstore.upload.stored").baseUnit("bytes")
                    .description("Bytes written to storage elements for uploads (after compression)")
                    .tags("element", element, "mode", mode.wireName(), "compression", compression)
                    .register(registry).increment(added.content().storedSize());
            ended(Outcome.DONE, element, took, bytes);
        }

        /** A delete or transfer request that was done (a transfer: started). */
        public void succeeded(String element, long bytes) {
            ended(Outcome.DONE, element, elapsed(), bytes);
        }

        /** Any operation that threw {@code error}. */
        public void failed(Optional<String> element, RuntimeException error) {
            ended(Outcome.of(error), element.orElse("none"), elapsed(), 0);
        }

        private void ended(Outcome outcome, String element, Duration took, long bytes) {
            Counter.builder("artstore.operations")
                    .description("File operations as the API answered them, by outcome and reason (the error code)")
                    .tags("operation", operation.wireName(), "outcome", outcome.result(), "reason", outcome.reason(),
                            "element", element)
                    .register(registry).increment();
            Timer.builder("artstore.operation.duration")
                    .description("Time from a file operation's request to its answer")
                    .tags("operation", operation.wireName(), "outcome", outcome.result())
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry).record(took);
            history.operation(operation.wireName(), outcome, element, took, bytes);
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
    }
}
