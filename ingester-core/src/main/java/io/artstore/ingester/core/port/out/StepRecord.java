package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.port.in.Action;
import io.artstore.ingester.core.port.out.IdempotencyStore.Claim;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link IdempotencyStore} keeps of one (saga id, step): a slot per action that arrived. The rules of the
 * store's operations are here, as pure functions, for implementations that keep the record as a value (on disk,
 * in memory); each returns the record to store and the answer.
 *
 * @param createdAt when the first command of the step arrived, from which the retention counts
 */
public record StepRecord(Optional<Slot> execute, Optional<Slot> compensate, Instant createdAt) {

    /**
     * One action's state: held by {@code owner} until {@code leaseUntil} while {@code reply} is empty, answered once it
     * is not.
     */
    public record Slot(String owner, Instant leaseUntil, Optional<String> reply, boolean delivered) {
        public Slot {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(leaseUntil, "leaseUntil");
            Objects.requireNonNull(reply, "reply");
        }
    }

    public StepRecord {
        Objects.requireNonNull(execute, "execute");
        Objects.requireNonNull(compensate, "compensate");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static StepRecord none(Instant now) {
        return new StepRecord(Optional.empty(), Optional.empty(), now);
    }

    public Optional<Slot> slot(Action action) {
        return action == Action.EXECUTE ? execute : compensate;
    }

    private StepRecord with(Action action, Slot slot) {
        return action == Action.EXECUTE ? new StepRecord(Optional.of(slot), compensate, createdAt)
                : new StepRecord(execute, Optional.of(slot), createdAt);
    }

    /** The answer of an operation, and the record to store: empty when nothing changes. */
    public record Change<T>(T answer, Optional<StepRecord> next) {}

    /** {@link IdempotencyStore#claim}. */
    public Change<Claim> claim(Action action, String owner, Instant now, Duration lease) {
        Optional<Slot> mine = slot(action);
        if (mine.isPresent() && mine.get().reply().isPresent()) {
            return new Change<>(new Claim.Answered(mine.get().reply().get(), mine.get().delivered()), Optional.empty());
        }
        if (mine.isPresent() && mine.get().leaseUntil().isAfter(now)) {
            return new Change<>(new Claim.Held(mine.get().owner(), mine.get().leaseUntil()), Optional.empty());
        }
        if (action == Action.COMPENSATE && execute.isPresent() && execute.get().reply().isEmpty()) {
            return new Change<>(new Claim.ExecutePending(), Optional.empty());
        }
        Slot taken = new Slot(owner, now.plus(lease), Optional.empty(), false);
        Claim.Granted granted = new Claim.Granted(mine.isPresent(), action == Action.EXECUTE && compensate.isPresent(),
                action == Action.COMPENSATE ? execute.flatMap(Slot::reply) : Optional.empty());
        return new Change<>(granted, Optional.of(with(action, taken)));
    }

    /** {@link IdempotencyStore#renew}. */
    public Change<Boolean> renew(Action action, String owner, Instant now, Duration lease) {
        Optional<Slot> held = heldBy(action, owner);
        if (held.isEmpty()) {
            return new Change<>(false, Optional.empty());
        }
        return new Change<>(true, Optional.of(with(action, new Slot(owner, now.plus(lease), Optional.empty(), false))));
    }

    /** {@link IdempotencyStore#complete}. */
    public Change<Boolean> complete(Action action, String owner, String reply) {
        Optional<Slot> held = heldBy(action, owner);
        if (held.isEmpty()) {
            return new Change<>(false, Optional.empty());
        }
        return new Change<>(true, Optional.of(with(action, new Slot(owner, held.get().leaseUntil(), Optional.of(reply), false))));
    }

    /** {@link IdempotencyStore#release}: the lease ends now, the slot stays. */
    public Change<Boolean> release(Action action, String owner) {
        Optional<Slot> held = heldBy(action, owner);
        if (held.isEmpty()) {
            return new Change<>(false, Optional.empty());
        }
        return new Change<>(true, Optional.of(with(action, new Slot(owner, Instant.EPOCH, Optional.empty(), false))));
    }

    /** {@link IdempotencyStore#markDelivered}. */
    public Change<Boolean> markDelivered(Action action) {
        Optional<Slot> answered = slot(action).filter(slot -> slot.reply().isPresent() && !slot.delivered());
        if (answered.isEmpty()) {
            return new Change<>(false, Optional.empty());
        }
        Slot slot = answered.get();
        return new Change<>(true, Optional.of(with(action, new Slot(slot.owner(), slot.leaseUntil(), slot.reply(), true))));
    }

    private Optional<Slot> heldBy(Action action, String owner) {
        return slot(action).filter(slot -> slot.reply().isEmpty() && slot.owner().equals(owner));
    }
}
