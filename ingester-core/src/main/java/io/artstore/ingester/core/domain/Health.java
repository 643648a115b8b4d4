package io.artstore.ingester.core.domain;

import java.util.Locale;

/** Whether a storage element can take work now, as last observed. */
public enum Health {
    HEALTHY,
    /** Reachable but impaired (e.g. its circuit is half-open); used only when nothing healthy is left. */
    DEGRADED,
    UNAVAILABLE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
