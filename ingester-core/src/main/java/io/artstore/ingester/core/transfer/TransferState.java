package io.artstore.ingester.core.transfer;

import java.util.Locale;

/** Where a transfer stands, as its log tells. */
public enum TransferState {
    PREPARING,
    /** Both participants voted yes; the decision is not logged yet. */
    PREPARED,
    COMMITTING,
    COMMITTED,
    ABORTING,
    ABORTED,
    /** Ended in a way that cannot be made consistent automatically; an operator must look. */
    HEURISTIC;

    public boolean finished() {
        return this == COMMITTED || this == ABORTED || this == HEURISTIC;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
