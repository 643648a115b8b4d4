package io.artstore.ingester.server.observe;

import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.core.saga.SagaStep;
import io.artstore.ingester.core.saga.StepAttempt;
import io.artstore.ingester.core.saga.StepInterceptor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A span for every attempt of a saga step ({@code saga.step <name>}) or compensation ({@code saga.compensate <name>}).
 * Steps that are stages of the upload pipeline (catalogue, publish) carry the stage's name, so that their time is
 * watched for drift as the other stages' are.
 */
public final class TracedSteps<D> implements StepInterceptor<D> {

    private final Tracing tracing;
    private final String sagaType;
    private final Map<String, String> stages;

    /** @param stages the pipeline stage of a step, by the step's name */
    public TracedSteps(Tracing tracing, String sagaType, Map<String, String> stages) {
        this.tracing = tracing;
        this.sagaType = sagaType;
        this.stages = Map.copyOf(stages);
    }

    @Override
    public D intercept(D data, StepAttempt attempt, SagaStep<D> proceed) throws Exception {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("artstore.saga.type", sagaType);
        attributes.put("artstore.saga_id", attempt.sagaId().toString());
        attributes.put("artstore.saga.step", attempt.step());
        attributes.put("artstore.saga.attempt", String.valueOf(attempt.number()));
        if (!attempt.compensating() && stages.containsKey(attempt.step())) {
            attributes.put(Tracing.STAGE, stages.get(attempt.step()));
        }
        String name = (attempt.compensating() ? "saga.compensate " : "saga.step ") + attempt.step();
        try (TraceSpan span = tracing.start(name, attributes)) {
            try {
                return proceed.run(data, attempt);
            } catch (Exception e) {
                span.failed(e);
                throw e;
            }
        }
    }
}
