package io.artstore.ingester.core.service;

import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.port.out.ClockSync;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * This instance's vector clock. Each local event ticks it; each clock received from a peer is merged in (a
 * receipt is an event too). Every new value is persisted before it is handed out, so a restart never reuses a
 * counter. Thread-safe: events are serialised on this object.
 *
 * <p>What is merged is bounded, since a received clock may come from a client: only entries of
 * {@link ClockParticipants participants} are taken in; this instance's own entry is never taken from outside (only
 * it counts its events, and a pushed counter would stay at its top for good); and an entry of another node is
 * dropped once this instance has counted {@link ClockPruning#idleEvents()} events without seeing it grow. A clock
 * loaded at start is cleaned by the same rules, so a clock an earlier version stored cannot harm later events.
 */
public final class LocalClock {

    private final NodeId node;
    private final ClockSync sync;
    private final ClockPruning pruning;
    private final ClockParticipants participants;
    private VectorClock current;
    /** Events counted by this object; with {@link #grewAt}, how long each other node's entry has not grown. */
    private long events;
    private Map<NodeId, Long> grewAt = new HashMap<>();

    /** A clock that takes in the entries of {@link ClockParticipants#byDefault the default participants}. */
    public LocalClock(NodeId node, ClockSync sync, ClockPruning pruning) {
        this(node, sync, pruning, ClockParticipants.byDefault(node));
    }

    /**
     * @throws IllegalArgumentException when {@code participants} are not those of {@code node}
     */
    public LocalClock(NodeId node, ClockSync sync, ClockPruning pruning, ClockParticipants participants) {
        this.node = Objects.requireNonNull(node, "node");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.pruning = Objects.requireNonNull(pruning, "pruning");
        this.participants = Objects.requireNonNull(participants, "participants");
        if (!participants.self().equals(node)) {
            throw new IllegalArgumentException("the participants are those of " + participants.self() + ", not of " + node);
        }
        this.current = participants.retain(sync.load(node).orElse(VectorClock.empty())).prune(pruning, node);
        current.entries().keySet().forEach(peer -> grewAt.put(peer, 0L));
    }

    public NodeId node() {
        return node;
    }

    public ClockParticipants participants() {
        return participants;
    }

    public synchronized VectorClock current() {
        return current;
    }

    /** Counts one local event and returns the clock to stamp it with. */
    public synchronized VectorClock tick() {
        return advance(current.increment(node));
    }

    /**
     * Takes in a clock received from a peer and counts the receipt; returns the clock after it. Entries that are
     * not taken in (see the class comment) are ignored.
     */
    public synchronized VectorClock receive(VectorClock received) {
        Objects.requireNonNull(received, "received");
        VectorClock accepted = received.retain(peer -> !peer.equals(node) && participants.includes(peer));
        return advance(current.merge(accepted).increment(node));
    }

    private VectorClock advance(VectorClock next) {
        long event = events + 1;
        Map<NodeId, Long> ages = new HashMap<>();
        next.entries().forEach((peer, counter) -> {
            if (!peer.equals(node)) {
                ages.put(peer, counter > current.get(peer) ? event : grewAt.getOrDefault(peer, event));
            }
        });
        VectorClock live = next.retain(peer -> peer.equals(node) || event - ages.get(peer) < pruning.idleEvents());
        VectorClock bounded = live.prune(pruning, node);
        ages.keySet().retainAll(bounded.entries().keySet());
        sync.persist(node, bounded);
        current = bounded;
        events = event;
        grewAt = ages;
        return bounded;
    }
}
