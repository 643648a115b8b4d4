package io.artstore.ingester.core.saga;

import java.util.Objects;

/**
 * Why an attempt of a step or compensation failed, as recorded in the saga log.
 *
 * @param type whether trying again may help
 * @param message what went wrong, for operators
 */
public record StepFailure(Type type, String message) {

    /** Whether trying again may help. */
    public enum Type {
        /** The cause may pass (an element unreachable, a timeout); the attempt may also have taken effect. */
        TRANSIENT,
        /** Trying again cannot help (a refused request, content that contradicts its checksum). */
        PERMANENT
    }

    public StepFailure {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    public static StepFailure transientFailure(String message) {
        return new StepFailure(Type.TRANSIENT, message);
    }

    public static StepFailure permanent(String message) {
        return new StepFailure(Type.PERMANENT, message);
    }

    public boolean isPermanent() {
        return type == Type.PERMANENT;
    }
}
