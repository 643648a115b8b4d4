package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import io.artstore.ingester.core.saga.StepDefinition;
import io.artstore.ingester.server.saga.SagaLayouts;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sagas for operators: {@code GET /api/v1/sagas/{id}} shows one, step by step;
 * {@code GET /api/v1/admin/sagas?state=} lists them; {@code POST /api/v1/admin/sagas/{id}/retry} sends a
 * saga parked in {@code failed_compensation} back to its compensations.
 */
public final class SagaRoutes {

    private final SagaLog log;
    private final SagaOrchestrator orchestrator;
    private final SagaLayouts definitions;
    private Optional<ParticipantRoutes> participant = Optional.empty();
    private Optional<TaskRoutes> tasks = Optional.empty();

    /** @param definitions every layout a saga in the log may have: today's and the earlier ones still recovered */
    public SagaRoutes(SagaLog log, SagaOrchestrator orchestrator, Collection<? extends SagaDefinition<?>> definitions) {
        this.log = Objects.requireNonNull(log, "log");
        this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
        this.definitions = new SagaLayouts(definitions);
    }

    /** Also serves the saga participant's commands. */
    public SagaRoutes withParticipant(ParticipantRoutes routes) {
        this.participant = Optional.of(routes);
        return this;
    }

    /** Also serves the background tasks' admin routes. */
    public SagaRoutes withTasks(TaskRoutes routes) {
        this.tasks = Optional.of(routes);
        return this;
    }

    public void register(RoutesConfig routes) {
        participant.ifPresent(commands -> commands.register(routes));
        tasks.ifPresent(work -> work.register(routes));
        routes.get("/api/v1/sagas/{id}", this::get);
        routes.get("/api/v1/admin/sagas", this::list);
        routes.post("/api/v1/admin/sagas/{id}/retry", this::retry);
    }

    private void get(Context ctx) {
        SagaId sagaId = sagaId(ctx);
        Json.send(ctx, 200, describe(records(sagaId)));
    }

    private void list(Context ctx) {
        String wanted = ctx.queryParam("state");
        List<SagaState> states = wanted == null || wanted.isBlank()
                ? List.of(SagaState.RUNNING, SagaState.COMPENSATING, SagaState.FAILED_COMPENSATION)
                : List.of(state(wanted));
        List<SagaSummary> summaries = new ArrayList<>();
        states.forEach(state -> summaries.addAll(log.list(state)));
        summaries.sort(Comparator.comparing(SagaSummary::startedAt));
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("sagas");
        for (SagaSummary summary : summaries) {
            ObjectNode item = list.addObject();
            item.put("saga_id", summary.sagaId().value());
            item.put("type", summary.sagaType());
            item.put("state", wire(summary.state()));
            item.put("started_at", summary.startedAt().toString());
            item.put("updated_at", summary.latest().at().toString());
            item.put("owner", summary.latest().owner());
            item.put("file_id", summary.latest().data().get("file_id"));
            item.put("error", summary.latest().failure().map(failure -> failure.message()).orElse(null));
        }
        json.put("count", summaries.size());
        Json.send(ctx, 200, json);
    }

    private void retry(Context ctx) {
        SagaId sagaId = sagaId(ctx);
        records(sagaId);
        orchestrator.retry(sagaId);
        Json.send(ctx, 200, describe(records(sagaId)));
    }

    private List<SagaRecord> records(SagaId sagaId) {
        List<SagaRecord> records = log.load(sagaId);
        if (records.isEmpty()) {
            throw IngestException.notFound("saga_not_found", "no saga has the id " + sagaId);
        }
        return records;
    }

    /** The saga, its steps in order with every attempt, and its current data. */
    private ObjectNode describe(List<SagaRecord> records) {
        SagaRecord first = records.get(0);
        SagaRecord latest = records.get(records.size() - 1);
        ObjectNode json = Json.object();
        json.put("saga_id", first.sagaId().value());
        json.put("type", first.sagaType());
        json.put("state", wire(SagaState.of(records)));
        json.put("started_at", first.at().toString());
        json.put("updated_at", latest.at().toString());
        json.put("owner", latest.owner());
        json.put("lease_until", latest.leaseUntil().toString());
        json.put("error", latest.failure().map(failure -> failure.message()).orElse(null));
        ObjectNode data = json.putObject("data");
        latest.data().entrySet().stream().filter(field -> !field.getKey().equals("signature_der")).sorted(Map.Entry.comparingByKey())
                .forEach(field -> data.put(field.getKey(), field.getValue()));
        ArrayNode steps = json.putArray("steps");
        SagaDefinition<?> definition = definitions.of(first).orElse(null);
        int count = definition != null ? definition.steps().size()
                : records.stream().mapToInt(SagaRecord::step).max().orElse(-1) + 1;
        for (int index = 0; index < count; index++) {
            ObjectNode step = steps.addObject();
            StepDefinition<?> known = definition != null ? definition.step(index) : null;
            step.put("name", known != null ? known.name() : "step-" + index);
            step.put("kind", known != null ? known.kind().name().toLowerCase(Locale.ROOT) : null);
            ArrayNode attempts = step.putArray("attempts");
            int at = index;
            String outcome = "pending";
            ObjectNode current = null;
            for (SagaRecord record : records.stream().filter(record -> record.step() == at).toList()) {
                boolean compensation = record.kind().name().startsWith("COMPENSATION");
                switch (record.kind()) {
                    case STEP_STARTED, COMPENSATION_STARTED -> {
                        current = attempts.addObject();
                        current.put("attempt", record.attempt());
                        current.put("compensation", compensation);
                        current.put("started_at", record.at().toString());
                        current.putNull("ended_at");
                        current.put("outcome", "unfinished");
                        current.putNull("error");
                        outcome = compensation ? "compensating" : "running";
                    }
                    default -> {
                        if (current != null) {
                            boolean succeeded = record.kind() == SagaRecord.Kind.STEP_SUCCEEDED
                                    || record.kind() == SagaRecord.Kind.COMPENSATION_SUCCEEDED;
                            current.put("ended_at", record.at().toString());
                            current.put("outcome", succeeded ? "succeeded" : "failed");
                            current.put("error", record.failure().map(failure -> failure.message()).orElse(null));
                            outcome = compensation ? (succeeded ? "compensated" : "compensation_failed")
                                    : (succeeded ? "succeeded" : "failed");
                        }
                    }
                }
            }
            step.put("state", outcome);
            step.put("attempts_count", attempts.size());
        }
        return json;
    }

    private static SagaId sagaId(Context ctx) {
        try {
            return new SagaId(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_saga_id", e.getMessage());
        }
    }

    private static SagaState state(String text) {
        return Arrays.stream(SagaState.values()).filter(state -> wire(state).equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> IngestException.invalid("invalid_state", "state must be one of "
                        + Arrays.stream(SagaState.values()).map(SagaRoutes::wire).toList() + ", got '" + text + "'"));
    }

    private static String wire(SagaState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
