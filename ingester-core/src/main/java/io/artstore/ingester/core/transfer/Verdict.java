package io.artstore.ingester.core.transfer;

/** The coordinator's decision at the end of the prepare phase. */
public enum Verdict {
    COMMIT,
    ABORT
}
