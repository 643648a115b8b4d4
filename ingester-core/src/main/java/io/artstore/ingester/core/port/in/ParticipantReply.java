package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.JsonText;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The participant's answer to a command: {@code {saga_id, step, action, operation, outcome, error_code,
 * error_message, result, vector_clock}}.
 *
 * @param error the machine-readable code and the message of a failure, or of why the command did nothing
 * @param result what the operation reports (ids of what it started, what it found), JSON-like values
 * @param clock the coordinator's clock merged with this instance's at the receipt of the command
 */
public record ParticipantReply(CommandKey key, boolean numericStep, String operation, Outcome outcome,
        Optional<Error> error, Map<String, Object> result, VectorClock clock) {

    /** Why a command failed or did nothing. */
    public record Error(String code, String message) {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    public ParticipantReply {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(clock, "clock");
        result = Collections.unmodifiableMap(new LinkedHashMap<>(result));
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("saga_id", key.sagaId());
        json.put("step", numericStep ? (Object) new BigInteger(key.step()) : key.step());
        json.put("action", key.action().wireName());
        json.put("operation", operation);
        json.put("outcome", outcome.wireName());
        json.put("error_code", error.map(Error::code).orElse(null));
        json.put("error_message", error.map(Error::message).orElse(null));
        json.put("result", result);
        json.put("vector_clock", ParticipantCommand.clockJson(clock));
        return JsonText.write(json);
    }

    /**
     * Reads a reply written by {@link #toJson}.
     *
     * @throws IllegalArgumentException when the text is not such a reply
     */
    @SuppressWarnings("unchecked")
    public static ParticipantReply parse(String text) {
        Object value = JsonText.read(text);
        if (!(value instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("a reply is a JSON object");
        }
        Map<String, Object> json = (Map<String, Object>) raw;
        Object step = json.get("step");
        boolean numericStep = !(step instanceof String);
        CommandKey key = new CommandKey((String) json.get("saga_id"), String.valueOf(step),
                Action.parse((String) json.get("action")));
        Optional<Error> error = Optional.ofNullable((String) json.get("error_code"))
                .map(code -> new Error(code, String.valueOf(json.get("error_message"))));
        Object result = json.get("result");
        return new ParticipantReply(key, numericStep, (String) json.get("operation"), Outcome.parse((String) json.get("outcome")),
                error, result instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of(),
                ParticipantCommand.clock(json.get("vector_clock")));
    }
}
