package io.artstore.ingester.core.port.in;

import java.util.Locale;

/** How a participant command ended. */
public enum Outcome {
    /** The execute did its work. */
    SUCCEEDED,
    /** The command could not do its work; for a compensate, the step could not be undone. */
    FAILED,
    /** The compensate undid the step, or found nothing to undo. */
    COMPENSATED,
    /** An execute that arrived after its compensate: it did nothing. */
    IGNORED,
    /** Not finished yet (work still running, or its compensate waits for its execute): send the command again. */
    IN_PROGRESS;

    /** Whether the reply is final: recorded and sent again for a duplicate. */
    public boolean isFinal() {
        return this != IN_PROGRESS;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome parse(String text) {
        for (Outcome outcome : values()) {
            if (outcome.wireName().equals(text)) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + text + "'");
    }
}
