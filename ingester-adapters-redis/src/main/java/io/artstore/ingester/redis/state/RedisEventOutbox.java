package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.core.port.out.OutboxStatus;
import io.artstore.ingester.formats.OutboxEventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outbox of a cluster, in Redis, shared by every instance: a list
 * {@code artstore:ingester:{outbox}:events} of entries {@code <seq> <json>} ({@link OutboxEventJson}), appended
 * durably ({@link RedisState}: the write waits for the configured replicas), with the sequence counter
 * {@code {outbox}:seq}. One instance at a time relays it: {@link #oldest} returns events only to the holder of the
 * lease {@code {outbox}:relay} (taken when free, renewed at each call, {@value #LEASE_SECONDS} s), so when an
 * instance dies another takes over after the lease and sends again, with the same event ids, what the first had sent
 * but not acknowledged. {@link #acknowledge} trims the acknowledged head off the list (compaction). All keys share
 * one hash tag, so that each script stays in one slot of a Redis Cluster.
 */
public final class RedisEventOutbox implements EventOutbox {

    static final String EVENTS = RedisState.NAMESPACE + "{outbox}:events";
    static final String SEQ = RedisState.NAMESPACE + "{outbox}:seq";
    static final String RELAY = RedisState.NAMESPACE + "{outbox}:relay";
    static final int LEASE_SECONDS = 10;

    /** KEYS: events, seq. ARGV: json. Returns the entry's sequence number. */
    private static final String APPEND = """
            local seq = redis.call('INCR', KEYS[2])
            redis.call('RPUSH', KEYS[1], seq .. ' ' .. ARGV[1])
            return seq
            """;

    /** KEYS: events, relay lease. ARGV: instance, lease ms, max. The oldest entries when this instance relays, else {}. */
    private static final String OLDEST = """
            local holder = redis.call('GET', KEYS[2])
            if holder and holder ~= ARGV[1] then return {} end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
            """;

    /** KEYS: events. ARGV: first acknowledged seq, count. Trims them when they are still the head. */
    private static final String ACKNOWLEDGE = """
            local head = redis.call('LINDEX', KEYS[1], 0)
            if head and string.sub(head, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
              redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
              return 1
            end
            return 0
            """;

    private final RedisState state;
    private final long capacity;
    private final Duration lease;

    public RedisEventOutbox(RedisState state, long capacity) {
        this(state, capacity, Duration.ofSeconds(LEASE_SECONDS));
    }

    RedisEventOutbox(RedisState state, long capacity, Duration lease) {
        this.state = Objects.requireNonNull(state, "state");
        this.lease = Objects.requireNonNull(lease, "lease");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    @Override
    public void append(OutboxEvent event) {
        String json = new String(OutboxEventJson.toBytes(event), StandardCharsets.UTF_8);
        state.evalDurably(APPEND, List.of(EVENTS, SEQ), List.of(json));
    }

    @Override
    public List<OutboxEvent> oldest(int max) {
        Object entries = state.eval(OLDEST, List.of(EVENTS, RELAY),
                List.of(state.instanceId(), Long.toString(lease.toMillis()), Integer.toString(Math.max(1, max))));
        List<OutboxEvent> events = new ArrayList<>();
        if (entries instanceof List<?> list) {
            for (Object entry : list) {
                events.add(parse(entry));
            }
        }
        return events;
    }

    @Override
    public void acknowledge(List<OutboxEvent> sent) {
        if (sent.isEmpty()) {
            return;
        }
        String first = sent.get(0).position().orElseThrow(() -> new IllegalArgumentException("an event not from this outbox"));
        state.evalDurably(ACKNOWLEDGE, List.of(EVENTS), List.of(first, Integer.toString(sent.size())));
    }

    @Override
    public OutboxStatus status() {
        return state.call(() -> {
            long depth = state.redis().llen(EVENTS);
            Optional<OutboxEvent> head = depth == 0 ? Optional.empty()
                    : Optional.ofNullable(state.redis().lindex(EVENTS, 0)).map(RedisEventOutbox::parse);
            return new OutboxStatus(depth, capacity, head.map(OutboxEvent::enqueuedAt));
        });
    }

    private static OutboxEvent parse(Object entry) {
        String text = entry instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(entry);
        int space = text.indexOf(' ');
        if (space < 1) {
            throw new IngestException(IngestException.Kind.INTERNAL, "outbox_entry_damaged", "an outbox entry in Redis"
                    + " has no sequence number: " + text.substring(0, Math.min(80, text.length())));
        }
        return OutboxEventJson.fromBytes(text.substring(space + 1).getBytes(StandardCharsets.UTF_8)).at(text.substring(0, space));
    }
}
