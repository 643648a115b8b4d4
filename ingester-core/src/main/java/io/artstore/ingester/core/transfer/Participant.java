package io.artstore.ingester.core.transfer;

/** The two storage elements a transfer coordinates. */
public enum Participant {
    /** The {@code edit} element the file leaves. */
    SOURCE,
    /** The {@code rw} element the file goes to. */
    TARGET
}
