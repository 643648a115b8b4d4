package io.artstore.ingester.core.port.in;

import java.util.Locale;

/** What a coordinator asks of a participant step: do it, or undo it. */
public enum Action {
    EXECUTE,
    COMPENSATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code execute} or {@code compensate} */
    public static Action parse(String text) {
        for (Action action : values()) {
            if (action.wireName().equals(text)) {
                return action;
            }
        }
        throw new IllegalArgumentException("action must be 'execute' or 'compensate', got '" + text + "'");
    }
}
