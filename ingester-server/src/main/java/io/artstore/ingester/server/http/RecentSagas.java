package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.StepFailure;
import io.artstore.ingester.server.saga.ForwardingSagaListener;
import io.artstore.ingester.server.saga.SagaLayouts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last sagas this instance drove, step by step, for the status page; passes every call on to the next listener.
 *
 * <p>Kept in memory and bounded: the saga log stays the truth ({@code GET /api/v1/sagas/{id}}); this is what an
 * operator glances at. A saga driven by another instance shows on that instance's page.
 */
public final class RecentSagas extends ForwardingSagaListener {

    private final SagaLayouts layouts;
    private final int capacity;
    /** In order of last change; the eldest is dropped beyond the capacity. */
    private final LinkedHashMap<SagaId, Tracked> sagas = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Tracked {
        final SagaId id;
        final String type;
        final Instant startedAt;
        String fileId = "";
        String state = "running";
        Instant updatedAt;
        String error = "";
        /** Step name → its last state, in the definition's order. */
        final Map<String, String> steps = new LinkedHashMap<>();

        Tracked(SagaId id, String type, Instant startedAt) {
            this.id = id;
            this.type = type;
            this.startedAt = startedAt;
            this.updatedAt = startedAt;
        }
    }

    /** @param definitions every layout a saga may have, to name its steps */
    public RecentSagas(SagaListener next, Collection<? extends SagaDefinition<?>> definitions, int capacity) {
        super(next);
        this.layouts = new SagaLayouts(definitions);
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    protected synchronized void onRecorded(SagaRecord record) {
        Tracked saga = sagas.computeIfAbsent(record.sagaId(), id -> {
            Tracked created = new Tracked(id, record.sagaType(), record.at());
            layouts.of(record).ifPresent(definition -> definition.steps().forEach(step -> created.steps.put(step.name(), "pending")));
            return created;
        });
        while (sagas.size() > capacity) {
            sagas.remove(sagas.keySet().iterator().next());
        }
        saga.updatedAt = record.at();
        String fileId = record.data().get("file_id");
        if (fileId != null) {
            saga.fileId = fileId;
        }
        record.failure().map(StepFailure::message).ifPresent(message -> saga.error = message);
        String step = record.step() >= 0 ? stepName(record) : null;
        switch (record.kind()) {
            case STEP_STARTED -> saga.steps.put(step, "running");
            case STEP_SUCCEEDED -> saga.steps.put(step, "succeeded");
            case STEP_FAILED -> saga.steps.put(step, "failed");
            case COMPENSATION_STARTED -> {
                saga.state = "compensating";
                saga.steps.put(step, "compensating");
            }
            case COMPENSATION_SUCCEEDED -> saga.steps.put(step, "compensated");
            case COMPENSATION_FAILED -> saga.steps.put(step, "compensation_failed");
            case SAGA_COMPLETED -> saga.state = "completed";
            case SAGA_COMPENSATED -> saga.state = "compensated";
            case SAGA_PARKED -> saga.state = "failed_compensation";
            default -> {
                // Starts, lease claims and retries change no step.
            }
        }
    }

    private String stepName(SagaRecord record) {
        return layouts.of(record).filter(definition -> record.step() < definition.steps().size())
                .map(definition -> definition.step(record.step()).name())
                .orElse("step-" + record.step());
    }

    /** The {@code recent_sagas} section: the last sagas, the most recently changed first, each with its steps. */
    public synchronized ArrayNode json() {
        List<Tracked> newestFirst = new ArrayList<>(sagas.values());
        java.util.Collections.reverse(newestFirst);
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (Tracked saga : newestFirst) {
            ObjectNode item = list.addObject()
                    .put("saga_id", saga.id.value())
                    .put("type", saga.type)
                    .put("file_id", saga.fileId)
                    .put("state", saga.state)
                    .put("started_at", saga.startedAt.toString())
                    .put("updated_at", saga.updatedAt.toString())
                    .put("error", saga.error);
            ArrayNode steps = item.putArray("steps");
            saga.steps.forEach((name, state) -> steps.addObject().put("name", name).put("state", state));
        }
        return list;
    }
}
