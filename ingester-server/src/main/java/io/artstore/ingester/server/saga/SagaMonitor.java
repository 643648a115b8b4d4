package io.artstore.ingester.server.saga;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.StepFailure;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs one structured line per step outcome and per saga end, with the saga id as a key-value pair, and
 * counts how sagas end, for the status document. A parked saga is logged as an error: an operator must act.
 *
 * <p>A saga undone because a step refused the request (bad input, content that contradicts its checksum, no
 * room, a file locked by another operation) is counted as rejected, not as compensated: nothing went wrong but
 * the request. Compensations count the sagas undone after a failure of ours or of an element, a timeout, or a
 * crash that left a step recovery cannot repeat.
 */
public final class SagaMonitor implements SagaListener {

    private static final Logger LOG = LoggerFactory.getLogger("io.artstore.ingester.sagas");

    private final SagaLayouts definitions;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong compensated = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    /** Sagas of this process that a step refused for the request's fault, until they end. */
    private final Set<SagaId> refused = ConcurrentHashMap.newKeySet();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong recoveryFailures = new AtomicLong();

    /** @param definitions every layout a saga in the log may have: today's and the earlier ones still recovered */
    public SagaMonitor(Collection<? extends SagaDefinition<?>> definitions) {
        this.definitions = new SagaLayouts(definitions);
    }

    @Override
    public void recorded(SagaRecord record) {
        switch (record.kind()) {
            // A step that did its work is in the saga log and the trace already; nine INFO lines per upload cost a
            // few percent of the server's CPU under load. An undo step is rare and worth an operator's eye.
            case STEP_SUCCEEDED -> {
                if (LOG.isDebugEnabled()) {
                    stepLine(LOG.atDebug(), record, "ok");
                }
            }
            case COMPENSATION_SUCCEEDED -> stepLine(LOG.atInfo(), record, "ok");
            case STEP_FAILED, COMPENSATION_FAILED -> stepLine(LOG.atWarn(), record,
                    record.failure().map(StepFailure::type).map(type -> type.name().toLowerCase(java.util.Locale.ROOT)).orElse("failed"));
            case SAGA_COMPLETED -> {
                refused.remove(record.sagaId());
                completed.incrementAndGet();
                sagaLine(LOG.atInfo(), record, "completed");
            }
            case SAGA_COMPENSATED -> {
                if (refused.remove(record.sagaId())) {
                    rejected.incrementAndGet();
                    sagaLine(LOG.atInfo(), record, "rejected");
                } else {
                    compensated.incrementAndGet();
                    sagaLine(LOG.atInfo(), record, "compensated");
                }
            }
            case SAGA_PARKED -> {
                refused.remove(record.sagaId());
                parked.incrementAndGet();
                sagaLine(LOG.atError(), record, "failed_compensation");
            }
            default -> {
                // Intents and claims are in the saga log; the outcome is what an operator reads.
            }
        }
    }

    /**
     * A step refused by the request's own fault (an {@link IngestException} of a client kind: bad input, content
     * that contradicts its checksum, no room, a lock held by another operation) marks the saga as rejected.
     * A step that fails for good for another reason, such as a stream that recovery cannot read again after a
     * crash, does not: undoing that saga is a compensation.
     */
    @Override
    public void attemptFailed(SagaId sagaId, boolean compensation, Exception cause) {
        if (!compensation && refusal(cause)) {
            refused.add(sagaId);
        }
    }

    /** The first {@link IngestException} in the chain decides: steps wrap what the content stream threw. */
    private static boolean refusal(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IngestException ingest) {
                return ingest.kind() != IngestException.Kind.UNAVAILABLE && ingest.kind() != IngestException.Kind.INTERNAL;
            }
        }
        return false;
    }

    @Override
    public void recoveryFailed(SagaId sagaId, RuntimeException failure) {
        recoveryFailures.incrementAndGet();
        LOG.atWarn().setMessage("saga recovery").addKeyValue("saga_id", sagaId.value())
                .addKeyValue("outcome", "recovery_failed").addKeyValue("reason", String.valueOf(failure.getMessage()))
                .setCause(failure).log();
    }

    /** The {@code sagas} section of the status document: sagas by state now, and how many ended since start. */
    public Map<String, Object> status(SagaLog log) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("running", log.list(SagaState.RUNNING).size());
        status.put("compensating", log.list(SagaState.COMPENSATING).size());
        status.put("failed_compensation", log.list(SagaState.FAILED_COMPENSATION).size());
        status.put("completed_since_start", completed.get());
        status.put("compensated_since_start", compensated.get());
        status.put("rejected_since_start", rejected.get());
        status.put("parked_since_start", parked.get());
        status.put("recovery_failures_since_start", recoveryFailures.get());
        return status;
    }

    private void stepLine(LoggingEventBuilder builder, SagaRecord record, String outcome) {
        boolean compensation = record.kind() == SagaRecord.Kind.COMPENSATION_SUCCEEDED || record.kind() == SagaRecord.Kind.COMPENSATION_FAILED;
        LoggingEventBuilder line = base(builder, record)
                .addKeyValue("step", stepName(record))
                .addKeyValue("compensation", compensation)
                .addKeyValue("attempt", record.attempt())
                .addKeyValue("outcome", outcome);
        record.failure().ifPresent(failure -> line.addKeyValue("reason", failure.message()));
        line.log();
    }

    private static void sagaLine(LoggingEventBuilder builder, SagaRecord record, String outcome) {
        LoggingEventBuilder line = base(builder, record).addKeyValue("outcome", outcome);
        record.failure().ifPresent(failure -> line.addKeyValue("reason", failure.message()));
        line.log();
    }

    private static LoggingEventBuilder base(LoggingEventBuilder builder, SagaRecord record) {
        return builder.setMessage("saga " + record.sagaType())
                .addKeyValue("saga_id", record.sagaId().value())
                .addKeyValue("saga_type", record.sagaType())
                .addKeyValue("file_id", Objects.requireNonNullElse(record.data().get("file_id"), ""));
    }

    private String stepName(SagaRecord record) {
        return definitions.of(record).filter(definition -> record.step() < definition.steps().size())
                .map(definition -> definition.step(record.step()).name())
                .orElse("step-" + record.step());
    }
}
