package io.artstore.ingester.core.saga;

/** The three kinds of saga step (Garcia-Molina and Salem; Richardson). */
public enum StepKind {
    /** Before the pivot: undone by its compensation when the saga fails. */
    COMPENSABLE,
    /** The point of no return: irreversible, retried until it succeeds or definitively fails without effect. */
    PIVOT,
    /** After the pivot: never undone, retried until it succeeds. */
    RETRIABLE
}
