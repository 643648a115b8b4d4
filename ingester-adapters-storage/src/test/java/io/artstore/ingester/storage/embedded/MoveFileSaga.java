package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.saga.testing.ClockSleeper;
import io.artstore.ingester.core.saga.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A three-step saga to run over a real saga log: stage a copy (undone by discarding it), delete the source (the
 * pivot), publish an event (retried). Each step's action and compensation adds its name to {@link #effects}, so
 * that a test can tell after a crash whether the saga was finished as a whole. Orchestrators run on a manual clock.
 */
final class MoveFileSaga {

    static final Duration LEASE = Duration.ofMinutes(1);
    static final SagaId SAGA = new SagaId("saga-1");

    final ManualClock clock = ManualClock.atSomeInstant();
    final List<String> effects = new ArrayList<>();
    final SagaDefinition<Map<String, String>> definition = SagaDefinition.named("move-file")
            .step("stage-copy").invoke(effect("stage-copy")).withCompensation(effect("discard-copy"))
            .step("delete-source").invoke(effect("delete-source")).pivot()
            .step("publish-event").invoke(effect("publish-event")).retriable()
            .build();

    /** An orchestrator of this saga for the given instance. */
    SagaOrchestrator orchestrator(SagaLog log, String instance) {
        return orchestrator(log, instance, List.of(definition));
    }

    SagaOrchestrator orchestrator(SagaLog log, String instance, List<SagaDefinition<?>> definitions) {
        return new SagaOrchestrator(log, definitions, new SagaEngine(JitterSource.hashed()),
                new SagaOrchestrator.Settings(instance, LEASE, Duration.ofMinutes(5)), clock, new ClockSleeper(clock), SagaListener.NONE);
    }

    private SagaStep<Map<String, String>> effect(String name) {
        return (data, attempt) -> {
            effects.add(name);
            return data;
        };
    }
}
