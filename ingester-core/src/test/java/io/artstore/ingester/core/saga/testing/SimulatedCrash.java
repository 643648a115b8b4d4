package io.artstore.ingester.core.saga.testing;

/** The process "dies": an error nothing in the code under test catches. */
public final class SimulatedCrash extends Error {

    private static final long serialVersionUID = 1L;

    public SimulatedCrash(String message) {
        super(message);
    }
}
