package io.artstore.ingester.core.saga;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Definitions shaped like the ingester's flows, with steps that only note in the data what they did. */
final class TestSagas {

    static final Duration TIMEOUT = Duration.ofMinutes(10);
    static final RetryPolicy RETRIES = new RetryPolicy(3, 4, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, 0.5));

    private TestSagas() {
    }

    /** Two compensable steps, the pivot, two retriable steps. */
    static SagaDefinition<Map<String, String>> withPivot() {
        return SagaDefinition.named("move-file")
                .step("reserve-space").invoke(note("reservation", "r-1")).withCompensation(note("reservation", "released"))
                .step("stage-copy").invoke(note("staged", "yes")).withCompensation(note("staged", "discarded"))
                .step("delete-source").invoke(note("source", "deleted")).pivot()
                .step("update-catalogue").invoke(note("catalogue", "updated")).retriable()
                .step("publish-event").invoke(note("event", "published")).retriable()
                .timeout(TIMEOUT)
                .retryPolicy(RETRIES)
                .build();
    }

    /** A check with nothing to undo, then three compensable steps and no pivot. */
    static SagaDefinition<Map<String, String>> allCompensable() {
        return SagaDefinition.named("add-file")
                .step("check-mode").invoke(note("mode", "checked")).withoutCompensation()
                .step("reserve-space").invoke(note("reservation", "r-1")).withCompensation(note("reservation", "released"))
                .step("store").invoke(note("stored", "yes")).withCompensation(note("stored", "deleted"))
                .step("record-in-catalogue").invoke(note("catalogue", "recorded")).withCompensation(note("catalogue", "removed"))
                .timeout(TIMEOUT)
                .retryPolicy(RETRIES)
                .build();
    }

    /** Compensable steps, then retriable ones without a pivot. */
    static SagaDefinition<Map<String, String>> withoutPivot() {
        return SagaDefinition.named("add-file-and-tell")
                .step("reserve-space").invoke(note("reservation", "r-1")).withCompensation(note("reservation", "released"))
                .step("store").invoke(note("stored", "yes")).withCompensation(note("stored", "deleted"))
                .step("publish-event").invoke(note("event", "published")).retriable()
                .step("release-space").invoke(note("reservation", "released")).retriable()
                .timeout(TIMEOUT)
                .retryPolicy(RETRIES)
                .build();
    }

    static SagaStep<Map<String, String>> note(String key, String value) {
        return (data, attempt) -> {
            Map<String, String> next = new HashMap<>(data);
            next.put(key, value);
            return next;
        };
    }
}
