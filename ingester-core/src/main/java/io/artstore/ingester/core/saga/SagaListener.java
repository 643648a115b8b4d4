package io.artstore.ingester.core.saga;

/** Hooks for metrics and logs. Called on the thread that drives the saga; must not throw. */
public interface SagaListener {

    /** Does nothing. */
    SagaListener NONE = new SagaListener() {
    };

    /** After a record has been durably appended. */
    default void recorded(SagaRecord record) {
    }

    /**
     * When an attempt of a step or of a compensation threw, before its failure is logged: the log keeps only
     * the failure's classification, this says what was thrown (for example, whether the request was refused).
     */
    default void attemptFailed(SagaId sagaId, boolean compensation, Exception cause) {
    }

    /** After the engine has decided, before the decision is carried out. */
    default void decided(SagaId sagaId, SagaDecision decision) {
    }

    /** When a recovery sweep could not drive a saga; the sweep goes on with the others. */
    default void recoveryFailed(SagaId sagaId, RuntimeException failure) {
    }
}
