package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.saga.JsonText;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A unit of background work: {@code {task_id, type, arguments, created_at}}. Tasks are delivered at least once, so
 * each type's handler makes a repeated run harmless; the id names the task in logs and in the handlers' records.
 *
 * @param arguments text values only, so that every queue carries them unchanged
 */
public record Task(String id, String type, Map<String, String> arguments, Instant createdAt) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        if (!NAME.matcher(type).matches() || id.isBlank() || id.length() > 128) {
            throw new IllegalArgumentException("a task needs an id of 1-128 characters and a type of lower-case letters,"
                    + " digits and '_', got '" + id + "' and '" + type + "'");
        }
        arguments = Map.copyOf(arguments);
    }

    /** A new task with a random id. */
    public static Task of(String type, Map<String, String> arguments, Instant now) {
        return new Task(UUID.randomUUID().toString(), type, arguments, now);
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task_id", id);
        json.put("type", type);
        json.put("arguments", new java.util.TreeMap<>(arguments));
        json.put("created_at", createdAt.toString());
        return JsonText.write(json);
    }

    /** @throws IllegalArgumentException when the text is not a task */
    public static Task parse(String text) {
        Object value = JsonText.read(text);
        if (!(value instanceof Map<?, ?> json) || !(json.get("task_id") instanceof String id)
                || !(json.get("type") instanceof String type) || !(json.get("created_at") instanceof String created)) {
            throw new IllegalArgumentException("a task is {task_id, type, arguments, created_at}");
        }
        Map<String, String> arguments = new LinkedHashMap<>();
        if (json.get("arguments") instanceof Map<?, ?> given) {
            given.forEach((name, argument) -> arguments.put(String.valueOf(name), String.valueOf(argument)));
        }
        return new Task(id, type, arguments, Instant.parse(created));
    }
}
