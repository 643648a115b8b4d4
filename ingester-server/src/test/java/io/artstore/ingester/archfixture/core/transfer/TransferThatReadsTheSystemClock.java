package io.artstore.ingester.archfixture.core.transfer;

import java.time.Instant;

/** Breaks the rule that core.transfer reads no system clock. */
public final class TransferThatReadsTheSystemClock {

    public FixtureTransferRecord begin(String transactionId) {
        return new FixtureTransferRecord(transactionId, Instant.now());
    }
}
