package io.artstore.ingester.storage.embedded;

/**
 * How the embedded logs (saga, transfer and event logs) are opened.
 *
 * @param salvage open a log damaged before its tail by keeping what is readable: the damaged file is copied
 *     aside ({@code <name>.damaged-<millis>}), the damaged ranges and the records that depend on them are
 *     dropped, and the log is rewritten from the rest. Without it, such a log stops start-up with a message
 *     naming the file and the offset. An operator's choice, for one start after looking at the damage.
 * @param retainEnded how many ended sagas and ended transfers each log keeps for their status; older ones
 *     are folded away when the log is compacted, which it is once twice as many have ended
 */
public record LogOptions(boolean salvage, int retainEnded) {

    /** Refuse damage; keep the latest 1,000 ended sagas and transfers. */
    public static final LogOptions DEFAULT = new LogOptions(false, 1_000);

    public LogOptions {
        if (retainEnded < 1) {
            throw new IllegalArgumentException("retainEnded must be 1 or more, got " + retainEnded);
        }
    }

    public LogOptions withSalvage(boolean salvageDamage) {
        return new LogOptions(salvageDamage, retainEnded);
    }
}
