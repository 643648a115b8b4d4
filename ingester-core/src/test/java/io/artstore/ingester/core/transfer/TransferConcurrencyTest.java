package io.artstore.ingester.core.transfer;

/** Transfers and deletes at once, over elements in memory. */
class TransferConcurrencyTest extends TransferConcurrencyScenarios {

    @Override
    protected TransferFixture newFixture() {
        return new TransferFixture();
    }
}
