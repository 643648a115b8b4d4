package io.artstore.ingester.core.port.in;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What makes a participant command unique: sending the same key again is a duplicate.
 *
 * @param sagaId the coordinator's saga id
 * @param step the step of that saga (its name or number, as text)
 */
public record CommandKey(String sagaId, String step, Action action) {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public CommandKey {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(action, "action");
        if (!ALLOWED.matcher(sagaId).matches() || !ALLOWED.matcher(step).matches()) {
            throw new IllegalArgumentException("saga id and step must be 1 to 128 letters, digits, '.', '_', ':' or '-'"
                    + " starting with a letter or digit, got '" + sagaId + "' and '" + step + "'");
        }
    }

    static boolean allowed(String text) {
        return ALLOWED.matcher(text).matches();
    }

    /** The (saga id, step) both actions share, as one text: {@code <saga id>/<step>} ('/' is in neither). */
    public String stepKey() {
        return sagaId + "/" + step;
    }

    @Override
    public String toString() {
        return stepKey() + "/" + action.wireName();
    }
}
