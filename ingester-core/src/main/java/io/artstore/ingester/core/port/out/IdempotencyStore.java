package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.port.in.CommandKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the saga participant remembers of each command it was sent, keyed by (saga id, step, action), so that a
 * command sent again is answered with the reply it got the first time and never runs twice, on any instance.
 *
 * <p>The two actions of one (saga id, step) are decided together, atomically, so that a compensate which arrives
 * before its execute bars that execute for good (Seata's "empty compensation" and "anti-suspension" rules):
 * <ul>
 * <li>an execute claimed after its compensate was recorded is granted {@linkplain Claim.Granted#barred() barred}:
 *     the caller records a reply that says it did nothing;</li>
 * <li>a compensate is refused with {@link Claim.ExecutePending} while its execute is recorded without a reply
 *     (running, or left by an instance that died), and nothing is written.</li>
 * </ul>
 * A claim holds a lease: a command whose owner died without a reply is granted to the next claimant once the lease
 * has run out ({@linkplain Claim.Granted#takenOver() taken over}). Entries are kept for a retention after their
 * creation and may be forgotten after it.
 */
public interface IdempotencyStore {

    /**
     * Claims a command for {@code owner} (unique per attempt) until {@code now + lease}, unless it was answered or
     * another owner's lease is live.
     */
    Claim claim(CommandKey key, String owner, Instant now, Duration lease);

    /** Extends the lease of a claim still held by {@code owner}; {@code false} when it is held no more. */
    boolean renew(CommandKey key, String owner, Instant now, Duration lease);

    /**
     * Records the reply (JSON text) of a command claimed by {@code owner}; durable before this returns.
     *
     * @return {@code false}, recording nothing, when another owner holds the command or it was answered already
     */
    boolean complete(CommandKey key, String owner, String reply);

    /**
     * Gives up a claim without a reply, so that the next claim is granted at once. The command stays recorded, so
     * its compensate is still refused with {@link Claim.ExecutePending} until it is answered.
     */
    void release(CommandKey key, String owner);

    /**
     * Notes that the reply of an answered command was delivered (sent on the replies topic).
     *
     * @return whether this call noted it; {@code false} when it was noted before or the command has no reply
     */
    boolean markDelivered(CommandKey key);

    /** The result of a {@link #claim}. */
    sealed interface Claim {

        /**
         * The caller holds the command and must {@link #complete} or {@link #release} it.
         *
         * @param takenOver an earlier owner's lease ran out without a reply: it may have done part of the work
         * @param barred for an execute: its compensate was recorded first, so it must do nothing
         * @param executeReply for a compensate: the reply of its execute, empty when no execute arrived
         */
        record Granted(boolean takenOver, boolean barred, Optional<String> executeReply) implements Claim {
            public Granted {
                Objects.requireNonNull(executeReply, "executeReply");
            }
        }

        /** The command was answered before: the reply to send again. */
        record Answered(String reply, boolean delivered) implements Claim {
            public Answered {
                Objects.requireNonNull(reply, "reply");
            }
        }

        /** Another owner holds the command with a live lease. */
        record Held(String owner, Instant leaseUntil) implements Claim {
            public Held {
                Objects.requireNonNull(owner, "owner");
                Objects.requireNonNull(leaseUntil, "leaseUntil");
            }
        }

        /** A compensate whose execute is recorded without a reply; nothing was written. */
        record ExecutePending() implements Claim {}
    }
}
