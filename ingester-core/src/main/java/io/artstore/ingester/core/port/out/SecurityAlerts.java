package io.artstore.ingester.core.port.out;

/** Where security alerts go: thread-safe, never throws (an alert that cannot be kept is logged by the sink). */
public interface SecurityAlerts {

    void raise(SecurityAlert alert);

    static SecurityAlerts none() {
        return alert -> { };
    }
}
