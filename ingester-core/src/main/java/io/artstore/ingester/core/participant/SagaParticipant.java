package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.participant.ParticipantOperation.Result;
import io.artstore.ingester.core.port.in.Action;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.in.Outcome;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import io.artstore.ingester.core.port.in.SagaCommandUseCase;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.IdempotencyStore.Claim;
import io.artstore.ingester.core.service.LocalClock;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * This ingester as a participant in a coordinator's saga: runs each command once, whatever number of times and on
 * whatever instance it arrives, and answers a duplicate with the first reply.
 *
 * <p>Rules, decided by the {@link IdempotencyStore}:
 * <ul>
 * <li>a command already answered gets that reply again and does nothing;</li>
 * <li>a command another attempt holds (live lease) gets {@link Outcome#IN_PROGRESS}; once the lease ran out
 *     without a reply (its instance died), the next attempt runs it, and the operation finishes what the dead one
 *     started;</li>
 * <li>a compensate with no execute before it is answered {@link Outcome#COMPENSATED} (empty compensation) and
 *     recorded, so that the late execute is answered {@link Outcome#IGNORED} and does nothing (anti-suspension);</li>
 * <li>a compensate whose execute has no reply yet gets {@link Outcome#IN_PROGRESS}, and nothing is recorded;</li>
 * <li>a compensate of an execute that failed or was ignored has nothing to undo: {@link Outcome#COMPENSATED}.</li>
 * </ul>
 * Final replies are recorded; an {@link Outcome#IN_PROGRESS} reply is not, and the command should be sent again.
 * While an attempt runs, its lease is renewed in the background, so a slow operation keeps it.
 */
public final class SagaParticipant implements SagaCommandUseCase, AutoCloseable {

    private final IdempotencyStore store;
    private final Map<String, ParticipantOperation> operations;
    private final LocalClock localClock;
    private final String instanceId;
    private final Duration lease;
    private final Clock clock;
    private final ScheduledExecutorService renewals;

    /**
     * @param lease how long an attempt holds a command without renewing it; after that, when its instance died,
     *     another takes the command over
     */
    public SagaParticipant(IdempotencyStore store, Collection<? extends ParticipantOperation> operations,
            LocalClock localClock, String instanceId, Duration lease, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.operations = operations.stream().collect(Collectors.toUnmodifiableMap(ParticipantOperation::name,
                Function.identity()));
        this.localClock = Objects.requireNonNull(localClock, "localClock");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the command lease must be positive, got " + lease);
        }
        this.renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "saga-participant-lease");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The operations this participant offers, by name. */
    public java.util.Set<String> operations() {
        return new java.util.TreeSet<>(operations.keySet());
    }

    public Duration lease() {
        return lease;
    }

    /** @throws IngestException when the store cannot be read or written, or an element cannot be reached */
    @Override
    public Handled handle(ParticipantCommand command) {
        Objects.requireNonNull(command, "command");
        ParticipantOperation operation = operations.get(command.operation());
        if (operation == null) {
            // Nothing is done or recorded: the same command always gets the same answer.
            return fresh(reply(command, Outcome.FAILED, Optional.of(new ParticipantReply.Error("unknown_operation",
                    "this participant has no operation '" + command.operation() + "'; it has " + operations())),
                    Map.of(), localClock.current()));
        }
        String owner = instanceId + "/" + UUID.randomUUID();
        Claim claim = store.claim(command.key(), owner, clock.instant(), lease);
        if (claim instanceof Claim.Answered answered) {
            return new Handled(ParticipantReply.parse(answered.reply()), true, answered.delivered());
        }
        if (claim instanceof Claim.Held held) {
            return fresh(reply(command, Outcome.IN_PROGRESS, Optional.of(new ParticipantReply.Error("command_in_progress",
                    "this command is being handled (until " + held.leaseUntil() + " at the latest); send it again")),
                    Map.of(), localClock.current()));
        }
        if (claim instanceof Claim.ExecutePending) {
            return fresh(reply(command, Outcome.IN_PROGRESS, Optional.of(new ParticipantReply.Error("execute_in_progress",
                    "the execute of this step has no reply yet; the compensate waits for it: send it again")),
                    Map.of(), localClock.current()));
        }
        Claim.Granted granted = (Claim.Granted) claim;
        ScheduledFuture<?> renewal = renewals.scheduleWithFixedDelay(() -> renewQuietly(command.key(), owner),
                lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
        ParticipantReply reply;
        try {
            VectorClock merged = localClock.receive(command.clock());
            reply = command.action() == Action.EXECUTE
                    ? execute(operation, command, granted, merged)
                    : compensate(operation, command, granted, merged);
        } catch (RuntimeException failure) {
            renewal.cancel(false);
            releaseQuietly(command.key(), owner, failure);
            throw failure;
        }
        renewal.cancel(false);
        if (!reply.outcome().isFinal()) {
            store.release(command.key(), owner);
            return fresh(reply);
        }
        // As a duplicate will read it back, so that both replies are equal.
        String recorded = reply.toJson();
        reply = ParticipantReply.parse(recorded);
        if (!store.complete(command.key(), owner, recorded)) {
            // Our lease ran out and another attempt took the command over: its reply is the one that counts.
            return fresh(reply(command, Outcome.IN_PROGRESS, Optional.of(new ParticipantReply.Error("command_in_progress",
                    "another attempt took this command over; send it again for its reply")), Map.of(), reply.clock()));
        }
        return fresh(reply);
    }

    private ParticipantReply execute(ParticipantOperation operation, ParticipantCommand command, Claim.Granted granted,
            VectorClock merged) {
        if (granted.barred()) {
            return reply(command, Outcome.IGNORED, Optional.of(new ParticipantReply.Error("compensated_before_execute",
                    "the compensate of this step arrived first; the execute does nothing")), Map.of(), merged);
        }
        return reply(command, run(() -> operation.execute(command)), Outcome.SUCCEEDED, merged);
    }

    private ParticipantReply compensate(ParticipantOperation operation, ParticipantCommand command, Claim.Granted granted,
            VectorClock merged) {
        if (granted.executeReply().isEmpty()) {
            return reply(command, Outcome.COMPENSATED, Optional.empty(), Map.of("empty_compensation", true), merged);
        }
        ParticipantReply executed = ParticipantReply.parse(granted.executeReply().get());
        if (executed.outcome() != Outcome.SUCCEEDED) {
            return reply(command, Outcome.COMPENSATED, Optional.empty(), Map.of("nothing_to_undo", true,
                    "execute_outcome", executed.outcome().wireName()), merged);
        }
        return reply(command, run(() -> operation.compensate(command, executed)), Outcome.COMPENSATED, merged);
    }

    /** Runs an operation; a refusal the core reports as an {@link IngestException} is a failed outcome. */
    private static Result run(java.util.function.Supplier<Result> attempt) {
        try {
            return attempt.get();
        } catch (IngestException refused) {
            if (refused.kind() == IngestException.Kind.UNAVAILABLE) {
                throw refused;
            }
            return new Result.Failed(refused.code(), String.valueOf(refused.getMessage()));
        }
    }

    private static ParticipantReply reply(ParticipantCommand command, Result result, Outcome done, VectorClock merged) {
        if (result instanceof Result.Done ok) {
            return reply(command, done, Optional.empty(), ok.result(), merged);
        }
        if (result instanceof Result.Failed failed) {
            return reply(command, Outcome.FAILED, Optional.of(new ParticipantReply.Error(failed.code(), failed.message())),
                    failed.result(), merged);
        }
        Result.Pending pending = (Result.Pending) result;
        return reply(command, Outcome.IN_PROGRESS, Optional.of(new ParticipantReply.Error(pending.code(), pending.message())),
                pending.result(), merged);
    }

    private static ParticipantReply reply(ParticipantCommand command, Outcome outcome, Optional<ParticipantReply.Error> error,
            Map<String, Object> result, VectorClock clock) {
        return new ParticipantReply(command.key(), command.numericStep(), command.operation(), outcome, error, result, clock);
    }

    private static Handled fresh(ParticipantReply reply) {
        return new Handled(reply, false, false);
    }

    private void renewQuietly(CommandKey key, String owner) {
        try {
            store.renew(key, owner, clock.instant(), lease);
        } catch (RuntimeException e) {
            // The next renewal tries again; if the lease runs out meanwhile, another attempt may take over.
        }
    }

    private void releaseQuietly(CommandKey key, String owner, RuntimeException cause) {
        try {
            store.release(key, owner);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public boolean markDelivered(CommandKey key) {
        return store.markDelivered(key);
    }

    /** Stops renewing leases: attempts still running lose their commands once their leases run out. */
    @Override
    public void close() {
        renewals.shutdownNow();
    }
}
