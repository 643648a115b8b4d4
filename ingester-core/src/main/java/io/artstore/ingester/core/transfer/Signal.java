package io.artstore.ingester.core.transfer;

import java.util.Objects;

/** What the coordinator learnt from its last action, beyond what the log records. */
public sealed interface Signal {

    /** The last action's result is in the log (or there was none yet): carry on. */
    record Proceed() implements Signal {}

    /** Driving a transaction found unfinished after a restart: with no decision logged, presume abort. */
    record Recovering() implements Signal {}

    /** The last action failed, e.g. a participant was unreachable; it may work if tried again later. */
    record Failed(String reason) implements Signal {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A participant no longer holds the copy the transaction relies on, or holds a different one. */
    record Missing(Participant participant, String reason) implements Signal {
        public Missing {
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(reason, "reason");
        }
    }

    Signal PROCEED = new Proceed();
    Signal RECOVERING = new Recovering();
}
