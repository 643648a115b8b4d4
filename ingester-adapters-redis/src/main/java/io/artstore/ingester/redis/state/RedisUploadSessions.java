package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadSessionCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Upload sessions in Redis, so that any instance continues any upload. In one hash tag ({@code {uploads}}), so each
 * script's keys share a slot: {@code artstore:ingester:{uploads}:session:<id>}, a hash of {@code rev} and {@code doc}
 * (the session's JSON text); {@code …:expires}, a sorted set of the ids by expiry (ms); {@code …:updated}, a sorted
 * set of the ids by last change (ms). Every change is one script that compares the revision, so compare-and-set holds
 * across instances; it is written durably ({@link RedisState}): an offset lost at a failover would let a client
 * resume from bytes that were acknowledged to it as stored. A change of the lock alone ({@link #replaceLease}) is not
 * {@code WAIT}ed for: a failover that loses it promotes a replica whose session is at the revision before, whose lock
 * names another holder or none. The request that took the lock then holds a token the store no longer has: its next
 * fence check (at most every 100 ms while bytes arrive) or acknowledgement reads the session from the new master and
 * stops it with nothing acknowledged. It writes bytes after the master is gone for at most that check interval, and a
 * failover takes longer (Sentinel's {@code down-after-milliseconds}, 1 s in our scripts, plus an election), so no
 * request that took the lock on the new master writes the staged file at the same time. Tokens are compared with the
 * holder's id (fresh per request), so a token handed out twice after such a loss never matches the old holder.
 */
public final class RedisUploadSessions implements UploadSessions {

    private static final String PREFIX = RedisState.NAMESPACE + "{uploads}:";
    private static final String EXPIRES = PREFIX + "expires";
    private static final String UPDATED = PREFIX + "updated";

    /** KEYS: session, expires, updated. ARGV: id, rev, doc, expires ms, updated ms. */
    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'doc', ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
            redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
            return 1
            """;

    /** KEYS: session, expires, updated. ARGV: id, expected rev, new rev, doc, expires ms, updated ms. */
    private static final String REPLACE = """
            if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], 'rev', ARGV[3], 'doc', ARGV[4])
            redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
            redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
            return 1
            """;

    /** KEYS: session, expires, updated. ARGV: id, rev. */
    private static final String REMOVE = """
            if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[2] then return 0 end
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1])
            return 1
            """;

    /**
     * KEYS: the index to read, the session key prefix. ARGV: mode (expired | recent), now ms, limit. Returns the
     * documents; ids whose session is gone are dropped from both indexes on the way.
     */
    private static final String READ = """
            local ids
            if ARGV[1] == 'expired' then
              ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
            else
              ids = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
            end
            local docs = {}
            for _, id in ipairs(ids) do
              local doc = redis.call('HGET', KEYS[2] .. id, 'doc')
              if doc then table.insert(docs, doc) else redis.call('ZREM', KEYS[1], id) end
            end
            return docs
            """;

    private final RedisState state;

    public RedisUploadSessions(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public boolean create(UploadSession session) {
        Object created = state.evalDurably(CREATE, keys(session.id()), List.of(session.id().value(),
                Long.toString(session.revision()), UploadSessionCodec.encode(session),
                Long.toString(session.expires().toEpochMilli()), Long.toString(session.updated().toEpochMilli())));
        return Long.valueOf(1).equals(created);
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        String doc = state.call(() -> state.redis().hget(key(id), "doc"));
        return Optional.ofNullable(doc).map(UploadSessionCodec::decode);
    }

    @Override
    public boolean replace(UploadSession next) {
        return Long.valueOf(1).equals(state.evalDurably(REPLACE, keys(next.id()), replaceArguments(next)));
    }

    @Override
    public boolean replaceLease(UploadSession next) {
        return Long.valueOf(1).equals(state.eval(REPLACE, keys(next.id()), replaceArguments(next)));
    }

    /** {@code REPLACE}'s arguments: over the revision {@code next} was made from. */
    private static List<String> replaceArguments(UploadSession next) {
        return List.of(next.id().value(), Long.toString(next.revision() - 1), Long.toString(next.revision()),
                UploadSessionCodec.encode(next), Long.toString(next.expires().toEpochMilli()),
                Long.toString(next.updated().toEpochMilli()));
    }

    @Override
    public boolean remove(UploadId id, long revision) {
        Object removed = state.evalDurably(REMOVE, keys(id), List.of(id.value(), Long.toString(revision)));
        return Long.valueOf(1).equals(removed);
    }

    @Override
    public List<UploadSession> expiredAt(Instant now, int limit) {
        return read(EXPIRES, "expired", now.toEpochMilli(), limit);
    }

    @Override
    public List<UploadSession> list(int limit) {
        return read(UPDATED, "recent", 0, limit);
    }

    private List<UploadSession> read(String index, String mode, long now, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        Object docs = state.eval(READ, List.of(index, PREFIX + "session:"), List.of(mode, Long.toString(now),
                Integer.toString(limit)));
        List<UploadSession> sessions = new ArrayList<>();
        for (Object doc : (List<?>) docs) {
            sessions.add(UploadSessionCodec.decode((String) doc));
        }
        return sessions;
    }

    private static String key(UploadId id) {
        return PREFIX + "session:" + id.value();
    }

    private static List<String> keys(UploadId id) {
        return List.of(key(id), EXPIRES, UPDATED);
    }
}
