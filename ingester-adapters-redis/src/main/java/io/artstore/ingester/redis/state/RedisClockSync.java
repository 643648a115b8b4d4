package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.port.out.ClockSync;
import java.util.Objects;
import java.util.Optional;

/**
 * Each node's vector clock in Redis, {@code artstore:ingester:clock:{<node id>}} (a string, its text form; no TTL:
 * one key per instance id ever used). Writes are durable in the sense of {@link RedisState}, so that a node
 * restarted elsewhere after a failover never counts an event twice.
 */
public final class RedisClockSync implements ClockSync {

    private final RedisState state;

    public RedisClockSync(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public Optional<VectorClock> load(NodeId node) {
        return Optional.ofNullable(state.call(() -> state.redis().get(key(node)))).map(VectorClock::parse);
    }

    @Override
    public void persist(NodeId node, VectorClock clock) {
        String key = key(node);
        String text = clock.toText();
        state.durably(key, pipeline -> pipeline.set(key, text));
    }

    private static String key(NodeId node) {
        return RedisState.NAMESPACE + "clock:{" + node.value() + "}";
    }
}
