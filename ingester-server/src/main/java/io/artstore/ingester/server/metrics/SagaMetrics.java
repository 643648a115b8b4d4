package io.artstore.ingester.server.metrics;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.server.saga.ForwardingSagaListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Counts sagas as their records are written, whichever instance or recovery sweep drives them: started, ended by
 * outcome, compensation steps and failed step attempts, by saga type; then passes every event on to {@code next}.
 */
public final class SagaMetrics extends ForwardingSagaListener {

    private final MeterRegistry registry;

    public SagaMetrics(SagaListener next, Metrics metrics) {
        super(next);
        this.registry = metrics.registry();
        Counter.builder("artstore.saga.recovery_failures")
                .description("Recovery sweeps that could not drive a saga (retried on the next sweep)").register(registry);
    }

    /** Sagas by state now, read from the saga log at each scrape. */
    public static void registerStates(Metrics metrics, SagaLog log) {
        for (SagaState state : new SagaState[] {SagaState.RUNNING, SagaState.COMPENSATING, SagaState.FAILED_COMPENSATION}) {
            Gauge.builder("artstore.sagas", log, l -> l.list(state).size())
                    .description("Sagas in the saga log by state: running, compensating, or failed_compensation (parked)")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(metrics.registry());
        }
    }

    @Override
    protected void onRecorded(SagaRecord record) {
        String type = record.sagaType();
        switch (record.kind()) {
            case SAGA_STARTED -> Counter.builder("artstore.sagas.started").description("Sagas started, by type")
                    .tag("type", type).register(registry).increment();
            case SAGA_COMPLETED -> ended(type, "completed");
            case SAGA_COMPENSATED -> ended(type, "compensated");
            case SAGA_PARKED -> ended(type, "parked");
            case COMPENSATION_SUCCEEDED -> compensation(type, "succeeded");
            case COMPENSATION_FAILED -> compensation(type, "failed");
            case STEP_FAILED -> Counter.builder("artstore.saga.step_failures")
                    .description("Failed attempts of saga steps (retried or leading to compensation), by saga type")
                    .tag("type", type).register(registry).increment();
            default -> {
                // Intents, starts of steps and lease claims change no outcome.
            }
        }
    }

    private void ended(String type, String outcome) {
        Counter.builder("artstore.sagas.ended")
                .description("Sagas that ended: completed, compensated (undone, also after a refusal) or parked (a compensation"
                        + " kept failing; an operator must look)")
                .tags("type", type, "outcome", outcome).register(registry).increment();
    }

    private void compensation(String type, String outcome) {
        Counter.builder("artstore.saga.compensations")
                .description("Compensation steps run, by saga type and outcome").tags("type", type, "outcome", outcome)
                .register(registry).increment();
    }

    @Override
    protected void onRecoveryFailed(SagaId sagaId, RuntimeException failure) {
        registry.counter("artstore.saga.recovery_failures").increment();
    }
}
