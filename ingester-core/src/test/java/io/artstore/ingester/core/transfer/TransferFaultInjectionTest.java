package io.artstore.ingester.core.transfer;

/** The fault-injection matrix over elements in memory. */
class TransferFaultInjectionTest extends TransferFaultInjectionMatrix {

    @Override
    protected TransferFixture newFixture() {
        return new TransferFixture();
    }
}
