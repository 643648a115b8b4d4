package io.artstore.ingester.storage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.storage.registry.AdminRegistryClient.Answer;
import io.artstore.ingester.storage.registry.AdminRegistryClient.Done;
import io.artstore.ingester.storage.registry.AdminRegistryClient.Refused;
import io.artstore.ingester.storage.registry.AdminRegistryClient.Throttled;
import io.artstore.ingester.storage.registry.AdminRegistryClient.Unavailable;
import io.artstore.ingester.storage.registry.RegistryOutbox.Entry;
import io.artstore.ingester.storage.registry.RegistryStatus.Problem;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the outbox's entries one at a time, oldest first, so that the calls about one file reach the registry
 * in the order they were made. A throttled or failed call is tried again, and nothing behind it goes first:
 * after a 429 no sooner than its {@code Retry-After}; after a failure with exponential backoff (doubling from the
 * first delay up to the longest, each wait drawn between its half and its whole). Only a refusal that the same
 * call can never overcome ends an entry undelivered, and is recorded as failed.
 */
final class RegistryRelay implements Runnable {

    private static final System.Logger LOG = System.getLogger(RegistryRelay.class.getName());

    private final RegistryOutbox outbox;
    private final AdminRegistryClient client;
    private final RegistrySettings settings;
    private final Clock clock;
    private final Object signal = new Object();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean closing;
    private volatile Optional<Problem> lastError = Optional.empty();
    private volatile Optional<Instant> nextAttemptAt = Optional.empty();
    private int failuresInARow;

    RegistryRelay(RegistryOutbox outbox, AdminRegistryClient client, RegistrySettings settings, Clock clock) {
        this.outbox = outbox;
        this.client = client;
        this.settings = settings;
        this.clock = clock;
    }

    /** A new entry is waiting. */
    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    void stop() {
        closing = true;
        wake();
    }

    long delivered() {
        return delivered.get();
    }

    Optional<Problem> lastError() {
        return lastError;
    }

    Optional<Instant> nextAttemptAt() {
        return nextAttemptAt;
    }

    @Override
    public void run() {
        while (!closing) {
            Optional<Entry> head = outbox.head();
            if (head.isEmpty()) {
                waitFor(Duration.ofMinutes(1), true);
                continue;
            }
            Optional<Duration> wait;
            try {
                wait = deliver(head.get());
            } catch (RuntimeException e) {
                // The outbox could not be written: keep the entry and try again.
                wait = Optional.of(failed("registry outbox: " + e.getMessage(), Optional.empty()));
            }
            if (wait.isPresent()) {
                nextAttemptAt = Optional.of(clock.instant().plus(wait.get()));
                waitFor(wait.get(), false);
                nextAttemptAt = Optional.empty();
            }
        }
    }

    /** Delivers one entry; returns how long to wait before the next attempt when it failed. */
    private Optional<Duration> deliver(Entry entry) {
        Answer answer = switch (entry.kind()) {
            case REGISTER -> client.register(entry.body());
            case FINALIZE -> client.update(entry.fileId(), entry.body());
            case DELETE -> client.softDelete(entry.fileId(), entry.body().asText());
        };
        if (answer instanceof Done) {
            return succeeded(entry);
        }
        if (answer instanceof Throttled throttled) {
            return Optional.of(failed(describe(entry) + ": throttled by the admin module (429)", throttled.retryAfter()));
        }
        if (answer instanceof Unavailable unavailable) {
            return Optional.of(failed(describe(entry) + ": " + unavailable.reason(), Optional.empty()));
        }
        Refused refused = (Refused) answer;
        if (entry.kind() == RegistryOutbox.Kind.REGISTER && refused.status() == 400
                && refused.detail().toLowerCase(Locale.ROOT).contains("already exists")) {
            return checkDuplicate(entry);
        }
        if (entry.kind() == RegistryOutbox.Kind.DELETE && refused.status() == 404) {
            return succeeded(entry); // never registered, or gone already: nothing to delete
        }
        return giveUp(entry, describe(entry) + " refused with " + refused.status() + ": " + refused.detail());
    }

    /** The id is taken: by this very registration (an earlier attempt whose answer was lost), or by another file. */
    private Optional<Duration> checkDuplicate(Entry entry) {
        Answer answer = client.get(entry.fileId());
        if (answer instanceof Done done) {
            JsonNode existing = done.body();
            JsonNode ours = entry.body();
            boolean same = existing.path("checksum_sha256").asText().equalsIgnoreCase(ours.path("checksum_sha256").asText())
                    && existing.path("storage_element_id").asText().equals(ours.path("storage_element_id").asText());
            if (same) {
                return succeeded(entry);
            }
            return giveUp(entry, describe(entry) + ": the registry already lists another file under this id (checksum "
                    + existing.path("checksum_sha256").asText() + " on " + existing.path("storage_element_id").asText()
                    + ", ours " + ours.path("checksum_sha256").asText() + " on " + ours.path("storage_element_id").asText() + ")");
        }
        if (answer instanceof Refused refused && refused.status() == 404) {
            return giveUp(entry, describe(entry) + ": the registry refuses the id as taken but lists no file under it"
                    + " (soft-deleted earlier)");
        }
        if (answer instanceof Throttled throttled) {
            return Optional.of(failed(describe(entry) + ": throttled while checking a duplicate (429)", throttled.retryAfter()));
        }
        return Optional.of(failed(describe(entry) + ": cannot check a duplicate: " + answer, Optional.empty()));
    }

    private Optional<Duration> succeeded(Entry entry) {
        outbox.markDone(entry.seq());
        delivered.incrementAndGet();
        failuresInARow = 0;
        return Optional.empty();
    }

    private Optional<Duration> giveUp(Entry entry, String reason) {
        LOG.log(Level.ERROR, "file registry: {0}; the call is recorded as failed and not retried", reason);
        lastError = Optional.of(new Problem(reason, clock.instant()));
        outbox.markFailed(entry.seq(), reason, clock.instant());
        failuresInARow = 0;
        return Optional.empty();
    }

    /** Records a failure worth retrying; returns the wait before the next attempt. */
    private Duration failed(String reason, Optional<Duration> retryAfter) {
        failuresInARow++;
        lastError = Optional.of(new Problem(reason, clock.instant()));
        Duration wait = retryAfter.map(after -> after.compareTo(settings.retryDelay()) < 0 ? settings.retryDelay() : after)
                .orElseGet(this::backoff);
        // A 429 is the registry working as meant; only the first of other failures in a row is worth a warning.
        LOG.log(failuresInARow == 1 && retryAfter.isEmpty() ? Level.WARNING : Level.DEBUG,
                "file registry: {0}; retrying in {1} ms ({2} pending)", reason, wait.toMillis(), outbox.pendingCount());
        return wait;
    }

    private Duration backoff() {
        long first = settings.retryDelay().toMillis();
        long longest = settings.maxRetryDelay().toMillis();
        long delay = first << Math.min(failuresInARow - 1, 30);
        delay = delay <= 0 || delay > longest ? longest : delay;
        return Duration.ofMillis(delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1));
    }

    private void waitFor(Duration wait, boolean wakeOnNewEntry) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (signal) {
            while (!closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || wakeOnNewEntry && outbox.pendingCount() > 0) {
                    return;
                }
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closing = true;
                }
            }
        }
    }

    private static String describe(Entry entry) {
        return entry.kind().wireName() + " of file " + entry.fileId();
    }
}
