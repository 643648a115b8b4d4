package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.BlockStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.ZRangeParams;

/**
 * Blocks in Redis, shared by every instance. Keys (hash tag {@code {blocks}}, one Cluster slot):
 * <ul>
 *   <li>{@code artstore:ingester:{blocks}:block:<kind>:<value>} — hash {@code kind}, {@code value}, {@code reason},
 *       {@code since}, {@code until} (epoch ms), expiring when the cool-down ends;
 *   <li>{@code artstore:ingester:{blocks}:index} — sorted set of {@code <kind>:<value>} scored by the block's end,
 *       for listing; ended members are removed at each write and listing.
 * </ul>
 * Writes are not waited for by replicas: a block lost at a failover is raised again by the next strikes, and waiting
 * would put a replica's round trip on the path of the request that tripped the detector.
 */
public final class RedisBlockStore implements BlockStore {

    private static final String PREFIX = RedisState.NAMESPACE + "{blocks}:";
    private static final String INDEX = PREFIX + "index";

    /** KEYS: block, index. ARGV: member, kind, value, reason, since, until, now (epoch ms). */
    private static final String PUT = """
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'kind', ARGV[2], 'value', ARGV[3], 'reason', ARGV[4], 'since', ARGV[5], 'until', ARGV[6])
            redis.call('PEXPIREAT', KEYS[1], ARGV[6])
            redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[7])
            return 1
            """;

    /** KEYS: block, index. ARGV: member, now (epoch ms). Returns 1 when a block in force was lifted. */
    private static final String LIFT = """
            local untilMs = redis.call('HGET', KEYS[1], 'until')
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            if untilMs and tonumber(untilMs) > tonumber(ARGV[2]) then return 1 end
            return 0
            """;

    private final RedisState state;
    private final Clock clock;

    public RedisBlockStore(RedisState state, Clock clock) {
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void put(Block block) {
        String member = member(block.kind(), block.value());
        state.eval(PUT, List.of(PREFIX + "block:" + member, INDEX), List.of(member, block.kind(), block.value(), block.reason(),
                Long.toString(block.since().toEpochMilli()), Long.toString(block.until().toEpochMilli()),
                Long.toString(clock.millis())));
    }

    @Override
    public Optional<Block> find(String kind, String value) {
        return read(member(kind, value));
    }

    @Override
    public List<Block> list() {
        String now = Long.toString(clock.millis());
        List<Block> blocks = new ArrayList<>();
        for (String member : state.call(() -> state.redis().zrange(INDEX,
                new ZRangeParams(Protocol.Keyword.BYSCORE, "(" + now, "+inf")))) {
            read(member).ifPresent(blocks::add);
        }
        blocks.sort(Comparator.comparing(Block::since));
        return blocks;
    }

    @Override
    public boolean lift(String kind, String value) {
        String member = member(kind, value);
        Object lifted = state.eval(LIFT, List.of(PREFIX + "block:" + member, INDEX), List.of(member, Long.toString(clock.millis())));
        return Long.valueOf(1).equals(lifted);
    }

    private Optional<Block> read(String member) {
        Map<String, String> fields = state.call(() -> state.redis().hgetAll(PREFIX + "block:" + member));
        if (fields.get("until") == null) {
            return Optional.empty();
        }
        Instant until = Instant.ofEpochMilli(Long.parseLong(fields.get("until")));
        if (!clock.instant().isBefore(until)) {
            return Optional.empty();
        }
        return Optional.of(new Block(fields.get("kind"), fields.get("value"), fields.get("reason"),
                Instant.ofEpochMilli(Long.parseLong(fields.get("since"))), until));
    }

    /** The kind has no ':', so the first ':' separates it from a value that may hold any (an IPv6 address). */
    private static String member(String kind, String value) {
        return kind + ":" + value;
    }
}
