package io.artstore.ingester.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Addresses and subjects refused for a cool-down after they tripped a detector: too many authentication failures,
 * or too many requests refused for their rate, within the detection window. Operators list and lift blocks through
 * {@code /api/v1/admin/blocks}. Kept in memory: a restart lifts every block.
 */
public final class Blocklist {

    /** What is blocked: a client address or a token subject. */
    public enum Kind {
        IP, SUBJECT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One block, as the admin API lists it. */
    public record Block(Kind kind, String value, String reason, Instant since, Instant until) {}

    private record Key(Kind kind, String value) {}

    private final Clock clock;
    private final Duration window;
    private final Duration coolDown;
    private final Map<Key, Block> blocks = new ConcurrentHashMap<>();
    private final Map<Key, Deque<Instant>> strikes = new ConcurrentHashMap<>();

    public Blocklist(Clock clock, Duration window, Duration coolDown) {
        this.clock = clock;
        this.window = window;
        this.coolDown = coolDown;
    }

    /** The block in force on {@code value}, if any. */
    public Optional<Block> find(Kind kind, String value) {
        Key key = new Key(kind, value);
        Block block = blocks.get(key);
        if (block == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(block.until())) {
            blocks.remove(key, block);
            return Optional.empty();
        }
        return Optional.of(block);
    }

    /**
     * Counts one strike against {@code value}; the {@code limit}-th within the window blocks it.
     *
     * @return the new block, when this strike made one
     */
    public Optional<Block> strike(Kind kind, String value, int limit, String reason) {
        if (limit <= 0) {
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
        blocks.put(key, block);
        return Optional.of(block);
    }

    public Duration remaining(Block block) {
        Duration left = Duration.between(clock.instant(), block.until());
        return left.isNegative() ? Duration.ZERO : left;
    }

    public List<Block> list() {
        Instant now = clock.instant();
        List<Block> live = new ArrayList<>();
        blocks.values().stream().filter(block -> now.isBefore(block.until())).forEach(live::add);
        live.sort(Comparator.comparing(Block::since));
        return live;
    }

    /** @return whether a block was in force */
    public boolean lift(Kind kind, String value) {
        strikes.remove(new Key(kind, value));
        Block removed = blocks.remove(new Key(kind, value));
        return removed != null && clock.instant().isBefore(removed.until());
    }
}
