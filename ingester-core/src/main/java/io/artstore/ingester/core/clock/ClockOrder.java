package io.artstore.ingester.core.clock;

/** How two vector clocks relate: one happened before the other, they are equal, or neither saw the other. */
public enum ClockOrder {
    BEFORE,
    AFTER,
    EQUAL,
    CONCURRENT
}
