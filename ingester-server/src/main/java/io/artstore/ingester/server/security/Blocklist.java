package io.artstore.ingester.server.security;

import io.artstore.ingester.core.port.out.BlockStore;
import io.artstore.ingester.storage.embedded.InMemoryBlockStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Addresses and subjects refused for a cool-down after they tripped a detector: too many authentication failures,
 * or too many requests refused for their rate, within the detection window. Operators list and lift blocks through
 * {@code /api/v1/admin/blocks}. The blocks live in a {@link BlockStore}: in memory (a restart lifts them), or in the
 * shared state, where a block raised by one instance is enforced, listed and lifted by every instance. The strikes
 * that lead to a block are counted by each instance on its own.
 */
public final class Blocklist {

    /** What is blocked: a client address or a token subject. */
    public enum Kind {
        IP, SUBJECT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Optional<Kind> ofWireName(String name) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(name)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /** One block, as the admin API lists it. */
    public record Block(Kind kind, String value, String reason, Instant since, Instant until) {}

    private record Key(Kind kind, String value) {}

    private final BlockStore store;
    private final Clock clock;
    private final Duration window;
    private final Duration coolDown;
    private final Map<Key, Deque<Instant>> strikes = new ConcurrentHashMap<>();

    /** Blocks kept in this process only. */
    public Blocklist(Clock clock, Duration window, Duration coolDown) {
        this(new InMemoryBlockStore(clock), clock, window, coolDown);
    }

    public Blocklist(BlockStore store, Clock clock, Duration window, Duration coolDown) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = clock;
        this.window = window;
        this.coolDown = coolDown;
    }

    /** The block in force on {@code value}, if any. */
    public Optional<Block> find(Kind kind, String value) {
        return store.find(kind.wireName(), value).flatMap(Blocklist::of);
    }

    /**
     * Counts one strike against {@code value}; the {@code limit}-th within the window blocks it.
     *
     * @return the new block, when this strike made one
     */
    public Optional<Block> strike(Kind kind, String value, int limit, String reason) {
        if (limit <= 0 || coolDown.isZero() || coolDown.isNegative()) {
            return Optional.empty();
        }
        Key key = new Key(kind, value);
        Instant now = clock.instant();
        Deque<Instant> times = strikes.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(window))) {
                times.pollFirst();
            }
            times.addLast(now);
            if (times.size() < limit) {
                return Optional.empty();
            }
            times.clear();
        }
        strikes.remove(key);
        Block block = new Block(kind, value, reason, now, now.plus(coolDown));
        store.put(new BlockStore.Block(kind.wireName(), value, reason, now, block.until()));
        return Optional.of(block);
    }

    public Duration remaining(Block block) {
        Duration left = Duration.between(clock.instant(), block.until());
        return left.isNegative() ? Duration.ZERO : left;
    }

    public List<Block> list() {
        List<Block> live = new ArrayList<>();
        store.list().forEach(block -> of(block).ifPresent(live::add));
        return live;
    }

    /** @return whether a block was in force */
    public boolean lift(Kind kind, String value) {
        strikes.remove(new Key(kind, value));
        return store.lift(kind.wireName(), value);
    }

    private static Optional<Block> of(BlockStore.Block stored) {
        return Kind.ofWireName(stored.kind())
                .map(kind -> new Block(kind, stored.value(), stored.reason(), stored.since(), stored.until()));
    }
}
