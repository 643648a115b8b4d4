package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When the security alert detectors fire: {@code count} events of a kind by one caller (or from one IP) within
 * {@code window}.
 */
public record AlertSettings(Threshold massDelete, Threshold uploadFlood, Threshold authenticationFailures) {

    /** {@code count} events within {@code window}. */
    public record Threshold(int count, Duration window) {
        public Threshold {
            Objects.requireNonNull(window, "window");
            if (count < 1 || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("an alert threshold needs a count of 1 or more and a positive window");
            }
        }
    }

    public static final AlertSettings DEFAULTS = new AlertSettings(new Threshold(20, Duration.ofMinutes(1)),
            new Threshold(120, Duration.ofMinutes(1)), new Threshold(10, Duration.ofMinutes(1)));

    public AlertSettings {
        Objects.requireNonNull(massDelete, "massDelete");
        Objects.requireNonNull(uploadFlood, "uploadFlood");
        Objects.requireNonNull(authenticationFailures, "authenticationFailures");
    }
}
