package io.artstore.ingester.core.domain;

import java.util.Locale;

/** ArtStore's retention vocabulary: temporary files live on {@code edit} SEs, permanent ones on {@code rw} SEs. */
public enum RetentionPolicy {
    TEMPORARY(Mode.EDIT),
    PERMANENT(Mode.RW);

    private final Mode mode;

    RetentionPolicy(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy a file on an SE of this mode has; read-only and archive SEs keep files permanently. */
    public static RetentionPolicy of(Mode mode) {
        return mode == Mode.EDIT ? TEMPORARY : PERMANENT;
    }

    public static RetentionPolicy parse(String text) {
        if (text != null) {
            for (RetentionPolicy policy : values()) {
                if (policy.wireName().equalsIgnoreCase(text.trim())) {
                    return policy;
                }
            }
        }
        throw new IllegalArgumentException("retention_policy must be 'temporary' or 'permanent', got '" + text + "'");
    }
}
