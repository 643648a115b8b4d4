package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.saga.JsonText;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A coordinator's command to this participant: {@code {saga_id, step, action, operation, payload, vector_clock}}.
 *
 * @param numericStep the step was sent as a JSON number, and is answered as one
 * @param payload the operation's arguments, JSON-like values (see {@link JsonText})
 * @param clock the coordinator's vector clock; empty when it sent none
 */
public record ParticipantCommand(CommandKey key, boolean numericStep, String operation, Map<String, Object> payload,
        VectorClock clock) {

    private static final Set<String> FIELDS = Set.of("saga_id", "step", "action", "operation", "payload", "vector_clock");
    /** The largest command accepted, in characters of JSON text: a command carries ids, not content. */
    public static final int MAX_TEXT_LENGTH = 64 * 1024;

    public ParticipantCommand {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(clock, "clock");
        payload = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(payload));
    }

    public Action action() {
        return key.action();
    }

    /**
     * Reads a command from its JSON text.
     *
     * @throws IngestException 400 {@code invalid_saga_command} naming what is wrong
     */
    public static ParticipantCommand parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw invalid("a saga command is at most " + MAX_TEXT_LENGTH + " characters, got " + text.length());
        }
        Object value;
        try {
            value = JsonText.read(text);
        } catch (IllegalArgumentException e) {
            throw invalid("the body is not JSON: " + e.getMessage());
        }
        if (!(value instanceof Map<?, ?> raw)) {
            throw invalid("a saga command is a JSON object");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        raw.forEach((name, member) -> json.put((String) name, member));
        for (String name : json.keySet()) {
            if (!FIELDS.contains(name)) {
                throw invalid("unknown field '" + name + "'; a saga command has " + new java.util.TreeSet<>(FIELDS));
            }
        }
        String sagaId = text(json, "saga_id");
        Object stepValue = json.get("step");
        boolean numericStep = stepValue instanceof Long || stepValue instanceof BigInteger;
        String step;
        if (numericStep) {
            step = stepValue.toString();
            if (step.startsWith("-")) {
                throw invalid("step must be a name or a number of 0 or more, got " + step);
            }
        } else {
            step = text(json, "step");
        }
        if (!CommandKey.allowed(sagaId) || !CommandKey.allowed(step)) {
            throw invalid("saga_id and step must be 1 to 128 letters, digits, '.', '_', ':' or '-' starting with a"
                    + " letter or digit");
        }
        Action action;
        try {
            action = Action.parse(text(json, "action"));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        String operation = text(json, "operation");
        Object payload = json.getOrDefault("payload", Map.of());
        if (payload == null) {
            payload = Map.of();
        }
        if (!(payload instanceof Map<?, ?> payloadMap)) {
            throw invalid("payload must be a JSON object");
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        payloadMap.forEach((name, member) -> arguments.put((String) name, member));
        return new ParticipantCommand(new CommandKey(sagaId, step, action), numericStep, operation, arguments,
                clock(json.get("vector_clock")));
    }

    /** The command as JSON text. */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("saga_id", key.sagaId());
        json.put("step", numericStep ? (Object) new BigInteger(key.step()) : key.step());
        json.put("action", key.action().wireName());
        json.put("operation", operation);
        json.put("payload", payload);
        json.put("vector_clock", clockJson(clock));
        return JsonText.write(json);
    }

    /** A clock as JSON: an object of node → counter. */
    static Map<String, Object> clockJson(VectorClock clock) {
        Map<String, Object> json = new LinkedHashMap<>();
        clock.entries().forEach((node, counter) -> json.put(node.value(), counter));
        return json;
    }

    /** A clock from JSON: absent or null (none), the header's text form, or an object of node → counter. */
    static VectorClock clock(Object value) {
        try {
            if (value == null) {
                return VectorClock.empty();
            }
            if (value instanceof String text) {
                return VectorClock.parse(text);
            }
            if (value instanceof Map<?, ?> map) {
                if (map.size() > VectorClock.MAX_ENTRIES) {
                    throw new IllegalArgumentException("a vector clock has at most " + VectorClock.MAX_ENTRIES + " entries");
                }
                Map<NodeId, Long> counters = new TreeMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!(entry.getValue() instanceof Long counter) || counter < 1 || counter > VectorClock.MAX_COUNTER) {
                        throw new IllegalArgumentException("the counter of node '" + entry.getKey() + "' must be a whole"
                                + " number from 1 to " + VectorClock.MAX_COUNTER);
                    }
                    counters.put(NodeId.of((String) entry.getKey()), counter);
                }
                return VectorClock.of(counters);
            }
            throw new IllegalArgumentException("vector_clock must be an object of node to counter, or its text form");
        } catch (IllegalArgumentException e) {
            throw new IngestException(IngestException.Kind.INVALID_REQUEST, "invalid_vector_clock", e.getMessage());
        }
    }

    private static String text(Map<String, Object> json, String name) {
        Object value = json.get(name);
        if (!(value instanceof String text) || text.isBlank()) {
            throw invalid(name + " is required and must be a non-empty string");
        }
        return text;
    }

    static IngestException invalid(String message) {
        return IngestException.invalid("invalid_saga_command", message);
    }
}
