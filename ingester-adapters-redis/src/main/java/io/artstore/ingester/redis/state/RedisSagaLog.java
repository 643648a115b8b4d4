package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaLogRules;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.SagaSummary;
import io.artstore.ingester.formats.SagaRecordJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;

/**
 * The saga log in Redis, shared by every instance. Keys (hash tag {@code {sagas}}, one Cluster slot):
 * <ul>
 *   <li>{@code artstore:ingester:{sagas}:saga:<id>} — list of the saga's records as JSON, in sequence order;
 *       expires {@code retention} after the saga completed or was compensated (a parked saga stays);
 *   <li>{@code artstore:ingester:{sagas}:state:<STATE>} — sorted set of the saga ids in that state, scored by
 *       start time;
 *   <li>{@code artstore:ingester:{sagas}:expiry} — sorted set of ended saga ids, scored by when their records
 *       expire; each write drops up to 100 expired ids from the state sets.
 * </ul>
 *
 * <p>Appends are checked by {@link SagaLogRules}, the same rules as the embedded log's, against the records as
 * read; the script then appends only if the saga still has the number of records read (records are only ever
 * appended, so an unchanged length means an unchanged saga). That makes the check and the append one step for
 * every instance: of instances racing to take a saga over, one wins and the others see its claim. Every append
 * is durable in the sense of {@link RedisState}.
 *
 * <p>Besides a saga's own lease ({@code sagas.lease}), the instance lease of its owner counts: once an instance's
 * lease has expired, {@link #tryTakeOver} lets another take its sagas without waiting for theirs.
 */
public final class RedisSagaLog implements SagaLog {

    private static final int MAX_RACES = 16;
    private static final String PREFIX = RedisState.NAMESPACE + "{sagas}:";

    /**
     * KEYS: saga list, old state set ("" none), new state set, expiry set. ARGV: expected length, record JSON,
     * saga id, start ms, old state key given (1/0), retention ms (0 when the saga has not ended), prefix.
     */
    private static final String APPEND = """
            if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
            redis.call('RPUSH', KEYS[1], ARGV[2])
            if ARGV[5] == '1' then redis.call('ZREM', KEYS[2], ARGV[3]) end
            redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local retention = tonumber(ARGV[6])
            if retention > 0 then
              redis.call('PEXPIRE', KEYS[1], retention)
              redis.call('ZADD', KEYS[4], now + retention, ARGV[3])
            end
            local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 100)
            for _, id in ipairs(gone) do
              redis.call('ZREM', ARGV[7] .. 'state:COMPLETED', id)
              redis.call('ZREM', ARGV[7] .. 'state:COMPENSATED', id)
              redis.call('ZREM', KEYS[4], id)
            end
            return 1
            """;

    private final RedisState state;

    public RedisSagaLog(RedisState state) {
        this.state = state;
    }

    @Override
    public void append(SagaRecord record) {
        for (int race = 0; race < MAX_RACES; race++) {
            List<SagaRecord> records = load(record.sagaId());
            SagaLogRules.requireAppendable(records, record);
            if (tryAppend(records, record)) {
                return;
            }
        }
        throw IngestException.conflict("saga_log_conflict", "saga " + record.sagaId() + " kept changing while record "
                + record.sequence() + " was appended");
    }

    @Override
    public List<SagaRecord> load(SagaId sagaId) {
        return parse(state.call(() -> state.redis().lrange(sagaKey(sagaId), 0, -1)));
    }

    /** The records of many sagas in one round trip. */
    private List<List<String>> loadAll(List<String> ids) {
        return state.call(() -> {
            try (AbstractPipeline pipeline = state.redis().pipelined()) {
                List<Response<List<String>>> responses = new ArrayList<>(ids.size());
                for (String id : ids) {
                    responses.add(pipeline.lrange(sagaKey(new SagaId(id)), 0, -1));
                }
                pipeline.sync();
                return responses.stream().map(Response::get).toList();
            }
        });
    }

    private static List<SagaRecord> parse(List<String> json) {
        List<SagaRecord> records = new ArrayList<>(json.size());
        for (String record : json) {
            records.add(SagaRecordJson.read(record.getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    @Override
    public List<SagaSummary> unfinished() {
        // A saga that moved from running to compensating between the two reads is listed once.
        Map<SagaId, SagaSummary> unfinished = new LinkedHashMap<>();
        list(SagaState.RUNNING).forEach(summary -> unfinished.put(summary.sagaId(), summary));
        list(SagaState.COMPENSATING).forEach(summary -> unfinished.putIfAbsent(summary.sagaId(), summary));
        return List.copyOf(unfinished.values());
    }

    @Override
    public boolean tryClaim(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return claim(sagaId, owner, now, leaseUntil, false);
    }

    /**
     * An instance is gone once its lease ({@code {tx}:lease:<instance>}, see {@link InstanceLease}) has expired: it
     * renews it every third of {@code shared_state.instance_lease} while it lives, and deletes it when it stops.
     */
    @Override
    public boolean ownerGone(String owner) {
        return !state.call(() -> state.redis().exists(state.leaseKey(owner)));
    }

    /**
     * The lease is read apart from the compare-and-append (it lives in another hash tag); the append still
     * succeeds only if the saga is unchanged, so one instance wins, and an owner that renews its lease late has its
     * next record refused, as after any take-over.
     */
    @Override
    public boolean tryTakeOver(SagaId sagaId, String owner, Instant now, Instant leaseUntil) {
        return claim(sagaId, owner, now, leaseUntil, true);
    }

    private boolean claim(SagaId sagaId, String owner, Instant now, Instant leaseUntil, boolean evenIfLeased) {
        for (int race = 0; race < MAX_RACES; race++) {
            List<SagaRecord> records = load(sagaId);
            SagaRecord latest = records.isEmpty() ? null : records.get(records.size() - 1);
            // Asked only when it decides: another instance's saga whose own lease still runs.
            boolean latestOwnerGone = evenIfLeased && latest != null && !latest.owner().equals(owner)
                    && !latest.leaseExpiredAt(now) && ownerGone(latest.owner());
            Optional<SagaRecord> claim = SagaLogRules.claim(records, owner, now, leaseUntil, latestOwnerGone);
            if (claim.isEmpty()) {
                return false;
            }
            if (tryAppend(records, claim.get())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<SagaSummary> list(SagaState sagaState) {
        return summaries(sagaState, summary -> summary.state() == sagaState);
    }

    private List<SagaSummary> summaries(SagaState sagaState, Predicate<SagaSummary> filter) {
        List<String> ids = state.call(() -> state.redis().zrange(stateKey(sagaState), 0, -1));
        List<SagaSummary> summaries = new ArrayList<>(ids.size());
        for (List<String> json : loadAll(ids)) {
            List<SagaRecord> records = parse(json);
            // Empty once expired, before a later write drops it from the set; moved on if it changed meanwhile.
            if (!records.isEmpty()) {
                SagaSummary summary = SagaSummary.of(records);
                if (filter.test(summary)) {
                    summaries.add(summary);
                }
            }
        }
        return summaries;
    }

    /** Appends {@code next} if the saga still holds exactly {@code records}; false when it changed meanwhile. */
    private boolean tryAppend(List<SagaRecord> records, SagaRecord next) {
        List<SagaRecord> after = new ArrayList<>(records);
        after.add(next);
        Optional<SagaState> before = records.isEmpty() ? Optional.empty() : Optional.of(SagaState.of(records));
        SagaState now = SagaState.of(after);
        boolean expires = next.kind() == SagaRecord.Kind.SAGA_COMPLETED || next.kind() == SagaRecord.Kind.SAGA_COMPENSATED;
        String startMillis = Long.toString(after.get(0).at().toEpochMilli());
        Object appended = state.evalDurably(APPEND,
                List.of(sagaKey(next.sagaId()), stateKey(before.orElse(now)), stateKey(now), PREFIX + "expiry"),
                List.of(Integer.toString(records.size()), new String(SagaRecordJson.write(next), StandardCharsets.UTF_8),
                        next.sagaId().value(), startMillis, before.isPresent() ? "1" : "0",
                        expires ? Long.toString(state.settings().retention().toMillis()) : "0", PREFIX));
        return Long.valueOf(1).equals(appended);
    }

    private static String sagaKey(SagaId sagaId) {
        return PREFIX + "saga:" + sagaId.value();
    }

    private static String stateKey(SagaState sagaState) {
        return PREFIX + "state:" + sagaState.name();
    }
}
