package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Background tasks for operators (admin API): {@code POST /api/v1/admin/tasks} queues one
 * ({@code {"type", "arguments"}}, 202 with its id), {@code GET /api/v1/admin/tasks} tells how much waits.
 */
public final class TaskRoutes {

    private final TaskQueue queue;
    private final Set<String> types;
    private final String backend;
    private final Clock clock;

    /**
     * @param types the task types an operator may queue
     * @param backend where the queue lives, as shown: {@code file} or {@code kafka}
     */
    public TaskRoutes(TaskQueue queue, Set<String> types, String backend, Clock clock) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.types = Set.copyOf(types);
        this.backend = Objects.requireNonNull(backend, "backend");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/admin/tasks", this::submit);
        routes.get("/api/v1/admin/tasks", this::depth);
    }

    private void submit(Context ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw IngestException.invalid("invalid_task", "the body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject() || !body.path("type").isTextual()) {
            throw IngestException.invalid("invalid_task", "a task is {\"type\": ..., \"arguments\": {...}}; types: "
                    + new java.util.TreeSet<>(types));
        }
        String type = body.path("type").asText();
        if (!types.contains(type)) {
            throw IngestException.invalid("unknown_task_type", "no task of type '" + type + "'; types: "
                    + new java.util.TreeSet<>(types));
        }
        Map<String, String> arguments = new LinkedHashMap<>();
        JsonNode given = body.path("arguments");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw IngestException.invalid("invalid_task", "arguments must be an object of text values");
            }
            for (Map.Entry<String, JsonNode> argument : given.properties()) {
                if (!argument.getValue().isTextual()) {
                    throw IngestException.invalid("invalid_task", "argument '" + argument.getKey() + "' must be text");
                }
                arguments.put(argument.getKey(), argument.getValue().asText());
            }
        }
        Task task = Task.of(type, arguments, clock.instant());
        queue.submit(task);
        Json.send(ctx, 202, Json.object().put("task_id", task.id()).put("type", type)
                .put("created_at", task.createdAt().toString()));
    }

    private void depth(Context ctx) {
        TaskQueue.Depth depth = queue.depth();
        ObjectNode json = Json.object().put("queue", backend).put("waiting", depth.waiting())
                .put("oldest_seconds", depth.oldest().toSeconds());
        Json.send(ctx, 200, json);
    }
}
