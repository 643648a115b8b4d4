package io.artstore.ingester.server.transfer;

/**
 * Transfers by where they stand: {@code inFlight} begun and not ended (in the log), the others ended since this
 * instance started.
 */
public record TransferCounts(long inFlight, long committed, long aborted, long heuristic) {

    public TransferCounts {
        if (inFlight < 0 || committed < 0 || aborted < 0 || heuristic < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }
}
