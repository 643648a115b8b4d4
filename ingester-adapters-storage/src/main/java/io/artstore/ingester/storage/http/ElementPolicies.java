package io.artstore.ingester.storage.http;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The policies of one storage element, outermost first: retry (idempotent calls only), circuit breaker,
 * bulkhead. The retry sits outside the breaker so that every attempt is counted and an open circuit ends the
 * retries at once.
 *
 * <p>The bulkhead is a plain semaphore rather than Failsafe's {@code Bulkhead}: in Failsafe 3.3.2 a caller
 * whose wait for a permit times out stays queued, and the next released permit goes to it and is lost.
 */
final class ElementPolicies {

    private static final System.Logger LOG = System.getLogger(HttpStorageElement.class.getName());

    /** Failures that say nothing about the request itself, so that the same request may succeed later. */
    private static final Set<String> TRANSIENT = Set.of(Codes.UNREACHABLE, Codes.UNAVAILABLE, Codes.SE_ERROR);

    private final StorageElementId id;
    private final Resilience settings;
    private final CircuitBreaker<Object> breaker;
    private final Semaphore bulkhead;
    private final RetryPolicy<Object> idempotentRetry;
    private volatile Optional<Instant> lastChange = Optional.empty();
    private final Tracing tracing;

    ElementPolicies(StorageElementId id, Resilience settings, Clock clock) {
        this(id, settings, clock, Tracing.NONE);
    }

    ElementPolicies(StorageElementId id, Resilience settings, Clock clock, Tracing tracing) {
        this.id = id;
        this.tracing = tracing;
        this.settings = settings;
        this.breaker = CircuitBreaker.builder()
                .handleIf(ElementPolicies::elementFailure)
                .withFailureThreshold(settings.failureThreshold(), settings.failureWindow())
                .withDelay(settings.openDelay())
                .withSuccessThreshold(settings.successThreshold())
                .onOpen(event -> {
                    lastChange = Optional.of(clock.instant());
                    LOG.log(Level.WARNING, "storage element {0}: circuit opened after {1} failures in the"
                            + " last {2} calls; calls are refused for {3}", id, settings.failureThreshold(),
                            settings.failureWindow(), settings.openDelay());
                })
                .onHalfOpen(event -> {
                    lastChange = Optional.of(clock.instant());
                    LOG.log(Level.INFO, "storage element {0}: circuit half-open, trying calls again", id);
                })
                .onClose(event -> {
                    lastChange = Optional.of(clock.instant());
                    LOG.log(Level.INFO, "storage element {0}: circuit closed", id);
                })
                .build();
        this.bulkhead = new Semaphore(settings.bulkheadSize(), true);
        this.idempotentRetry = retry(failure -> true);
    }

    /** Runs a call that may be repeated safely (GET, PATCH of the whole metadata, DELETE). */
    <T> T idempotent(String operation, Supplier<T> call) {
        return run(operation, idempotentRetry, call);
    }

    /**
     * Runs a call that is repeated after a transient failure only when {@code repeatable} says so of that failure
     * (an {@link IngestException}), e.g. once the element said that the failed attempt left nothing behind.
     */
    <T> T repeatableWhen(String operation, Predicate<Throwable> repeatable, Supplier<T> call) {
        return run(operation, retry(repeatable), call);
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    HttpStorageElement.BreakerStatus status(HttpStorageElement.BreakerState state) {
        Duration remaining = state == HttpStorageElement.BreakerState.OPEN ? breaker.getRemainingDelay() : Duration.ZERO;
        return new HttpStorageElement.BreakerStatus(state, breaker.getFailureRate(), breaker.getFailureCount(),
                breaker.getSuccessCount(), settings.failureThreshold(), settings.failureWindow(), remaining, lastChange);
    }

    /** Open and still within its delay: calls are refused without trying. */
    boolean refusingCalls() {
        return breaker.isOpen() && !breaker.getRemainingDelay().isZero();
    }

    /**
     * One span per call, its retries and a circuit's refusal as events. Its time is a stage of its own for drift
     * detection ({@code se.<operation>}), except the upload's, which streams the pipeline and is timed as the
     * {@code store} stage.
     */
    private <T> T run(String operation, RetryPolicy<Object> retry, Supplier<T> call) {
        Map<String, String> attributes = operation.equals("upload")
                ? Map.of(Tracing.ELEMENT, id.value(), "artstore.se.operation", operation)
                : Map.of(Tracing.ELEMENT, id.value(), "artstore.se.operation", operation, Tracing.STAGE, "se." + operation);
        try (TraceSpan span = tracing.start("storage_element." + operation, attributes)) {
            try {
                return run(span, retry, call);
            } catch (RuntimeException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    private <T> T run(TraceSpan span, RetryPolicy<Object> retry, Supplier<T> call) {
        try {
            return Failsafe.with(retry, breaker).get(context -> {
                if (context.getAttemptCount() > 0) {
                    span.event("retry", Map.of("attempt", String.valueOf(context.getAttemptCount() + 1),
                            "after", String.valueOf(context.getLastException())));
                }
                return withinBulkhead(call);
            });
        } catch (CircuitBreakerOpenException e) {
            Duration remaining = breaker.getRemainingDelay();
            span.event("circuit_open", Map.of(Tracing.ELEMENT, id.value(), "remaining_seconds",
                    String.valueOf(remaining.toSeconds())));
            throw new IngestException(Kind.UNAVAILABLE, Codes.CIRCUIT_OPEN, "storage element " + id
                    + " failed too often lately; calls to it are paused for another " + remaining.toSeconds() + " s", e);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IngestException(Kind.UNAVAILABLE, Codes.BUSY, "interrupted while waiting for a free slot"
                        + " for storage element " + id, e.getCause());
            }
            // Only checked exceptions arrive wrapped; the calls throw none but the interruption above.
            throw new IngestException(Kind.INTERNAL, "internal_error", "call to storage element " + id + " failed: " + e, e);
        }
    }

    private <T> T withinBulkhead(Supplier<T> call) throws InterruptedException {
        if (!bulkhead.tryAcquire(settings.bulkheadMaxWait().toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IngestException(Kind.UNAVAILABLE, Codes.BUSY, "storage element " + id + " already has "
                    + settings.bulkheadSize() + " calls in flight; none finished within " + settings.bulkheadMaxWait());
        }
        try {
            return call.get();
        } finally {
            bulkhead.release();
        }
    }

    private RetryPolicy<Object> retry(Predicate<Throwable> repeatable) {
        return RetryPolicy.builder()
                .handleIf(failure -> transientFailure(failure) && repeatable.test(failure))
                .abortOn(CircuitBreakerOpenException.class)
                .withBackoff(settings.retryDelay(), settings.retryMaxDelay())
                .withJitter(settings.jitter())
                .withMaxRetries(settings.maxRetries())
                .onRetry(event -> LOG.log(Level.DEBUG, "storage element {0}: retry {1} after {2}", id,
                        event.getAttemptCount(), String.valueOf(event.getLastException())))
                .build();
    }

    private static boolean transientFailure(Throwable failure) {
        return failure instanceof IngestException e && e.kind() == Kind.UNAVAILABLE && TRANSIENT.contains(e.code());
    }

    /** What counts against the element: it could not be reached or it failed; not what it rightly refused. */
    private static boolean elementFailure(Throwable failure) {
        return failure instanceof IngestException e && e.kind() == Kind.UNAVAILABLE
                && !e.code().equals(Codes.CIRCUIT_OPEN) && !e.code().equals(Codes.BUSY);
    }
}
