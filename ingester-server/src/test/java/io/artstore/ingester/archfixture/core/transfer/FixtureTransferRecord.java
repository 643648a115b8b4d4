package io.artstore.ingester.archfixture.core.transfer;

import java.time.Instant;

/** A pure engine value, as a log port carries it: an adapter may persist it. */
public record FixtureTransferRecord(String transactionId, Instant at) {
}
