package io.artstore.ingester.server.saga;

import io.artstore.ingester.core.saga.SagaDecision;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaRecord;
import java.util.Objects;

/**
 * A listener in a chain: it observes what it needs, then passes every call on to the next listener, even when its
 * own observation threw, so that one listener's fault never hides an event from the others.
 */
public abstract class ForwardingSagaListener implements SagaListener {

    private final SagaListener next;

    protected ForwardingSagaListener(SagaListener next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    /** Observes a record before it is passed on. */
    protected void onRecorded(SagaRecord record) {
    }

    /** Observes a failed recovery before it is passed on. */
    protected void onRecoveryFailed(SagaId sagaId, RuntimeException failure) {
    }

    @Override
    public final void recorded(SagaRecord record) {
        try {
            onRecorded(record);
        } finally {
            next.recorded(record);
        }
    }

    @Override
    public final void attemptFailed(SagaId sagaId, boolean compensation, Exception cause) {
        next.attemptFailed(sagaId, compensation, cause);
    }

    @Override
    public final void decided(SagaId sagaId, SagaDecision decision) {
        next.decided(sagaId, decision);
    }

    @Override
    public final void recoveryFailed(SagaId sagaId, RuntimeException failure) {
        try {
            onRecoveryFailed(sagaId, failure);
        } finally {
            next.recoveryFailed(sagaId, failure);
        }
    }
}
