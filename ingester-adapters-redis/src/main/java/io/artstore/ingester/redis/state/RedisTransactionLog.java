package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransactionRecordCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The transfer log in Redis, shared by every instance; each transaction is owned by the instance that began it.
 * Keys (hash tag {@code {tx}}, one Cluster slot):
 * <ul>
 *   <li>{@code artstore:ingester:{tx}:tx:<id>} — list of the transaction's records (the embedded log's binary form,
 *       base64); expires {@code retention} after its end record;
 *   <li>{@code artstore:ingester:{tx}:meta:<id>} — hash {@code owner} (instance id), {@code file}; expires with it;
 *   <li>{@code artstore:ingester:{tx}:unfinished} — sorted set of the ids begun and not ended, in begin order;
 *   <li>{@code artstore:ingester:{tx}:file:<file id>} — sorted set of the file's transactions, in begin order;
 *       expires {@code retention} after the file's latest transaction ended;
 *   <li>{@code artstore:ingester:{tx}:sequence} — the counter that orders begins;
 *   <li>{@code artstore:ingester:{tx}:lease:<instance>} — the instances' leases ({@link InstanceLease}).
 * </ul>
 *
 * <p>Only the owner appends: a record of another instance is refused ({@code transaction_taken_over}), so an
 * instance that stalled past its lease cannot act on a transaction another has taken over. {@link #unfinished}
 * answers this instance's view: the unfinished transactions it owns, after taking over, in one script (so exactly
 * one instance wins each), those whose owner's lease has expired. The recovery sweep that calls it then drives
 * them to their end. Every write is durable in the sense of {@link RedisState}.
 */
public final class RedisTransactionLog implements TransactionLog {

    private static final System.Logger LOG = System.getLogger(RedisTransactionLog.class.getName());
    private static final String PREFIX = RedisState.NAMESPACE + "{tx}:";

    /** KEYS: list, meta, unfinished, by-file, sequence. ARGV: payload, id, owner, file id. */
    private static final String BEGIN = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], 'owner', ARGV[3], 'file', ARGV[4])
            local order = redis.call('INCR', KEYS[5])
            redis.call('ZADD', KEYS[3], order, ARGV[2])
            redis.call('ZADD', KEYS[4], order, ARGV[2])
            redis.call('PERSIST', KEYS[4])
            return 1
            """;

    /** KEYS: list, meta, unfinished. ARGV: payload, id, owner, ends (1/0), retention ms, prefix. */
    private static final String APPEND = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if redis.call('HGET', KEYS[2], 'owner') ~= ARGV[3] then return -2 end
            redis.call('RPUSH', KEYS[1], ARGV[1])
            if ARGV[4] == '1' then
              redis.call('ZREM', KEYS[3], ARGV[2])
              local retention = tonumber(ARGV[5])
              redis.call('PEXPIRE', KEYS[1], retention)
              redis.call('PEXPIRE', KEYS[2], retention)
              local file = redis.call('HGET', KEYS[2], 'file')
              if file then redis.call('PEXPIRE', ARGV[6] .. 'file:' .. file, retention) end
            end
            return 1
            """;

    /**
     * KEYS: unfinished. ARGV: this instance, prefix, take (1 to take over, 0 only to look). Returns {owned ids, ids
     * taken over (or that could be)}.
     */
    private static final String TAKE_OVER = """
            local owned, taken = {}, {}
            for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              local meta = ARGV[2] .. 'meta:' .. id
              local owner = redis.call('HGET', meta, 'owner')
              if owner == ARGV[1] then
                table.insert(owned, id)
              elseif not owner or redis.call('EXISTS', ARGV[2] .. 'lease:' .. owner) == 0 then
                if ARGV[3] == '1' then redis.call('HSET', meta, 'owner', ARGV[1]) end
                table.insert(owned, id)
                table.insert(taken, id)
              end
            end
            return {owned, taken}
            """;

    private final RedisState state;

    public RedisTransactionLog(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public void append(TransactionRecord record) {
        Objects.requireNonNull(record, "record");
        String id = record.transactionId().toString();
        String payload = Base64.getEncoder().encodeToString(TransactionRecordCodec.encode(record));
        if (record instanceof TransactionRecord.Begun begun) {
            Object result = state.evalDurably(BEGIN,
                    List.of(txKey(id), metaKey(id), PREFIX + "unfinished", fileKey(begun.fileId()), PREFIX + "sequence"),
                    List.of(payload, id, state.instanceId(), begun.fileId().toString()));
            if (!Long.valueOf(1).equals(result)) {
                throw new IllegalArgumentException("transaction " + id + " has begun already");
            }
            return;
        }
        Object result = state.evalDurably(APPEND, List.of(txKey(id), metaKey(id), PREFIX + "unfinished"),
                List.of(payload, id, state.instanceId(), record instanceof TransactionRecord.Ended ? "1" : "0",
                        Long.toString(state.settings().retention().toMillis()), PREFIX));
        if (Long.valueOf(-1).equals(result)) {
            throw new IllegalArgumentException("transaction " + id + " must begin with its begin record, not "
                    + record.getClass().getSimpleName());
        }
        if (Long.valueOf(-2).equals(result)) {
            throw IngestException.conflict("transaction_taken_over", "transaction " + id + " is owned by another instance"
                    + " now (this one, " + state.instanceId() + ", let its lease expire); it drives the transaction on");
        }
    }

    @Override
    public List<TransactionRecord> load(TransactionId id) {
        List<String> payloads = state.call(() -> state.redis().lrange(txKey(id.toString()), 0, -1));
        List<TransactionRecord> records = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            try {
                records.add(TransactionRecordCodec.decode(Base64.getDecoder().decode(payload)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IngestException(IngestException.Kind.INTERNAL, "transaction_log_corrupt", "transaction " + id
                        + " holds a record in Redis that cannot be read: " + e.getMessage(), e);
            }
        }
        return records;
    }

    /** The unfinished transactions this instance owns, those of instances whose lease expired taken over first. */
    @Override
    public List<TransactionId> unfinished() {
        // A look first, which writes nothing and so waits for no replica; a take-over only when there is one to make.
        List<?> lists = (List<?>) state.eval(TAKE_OVER, List.of(PREFIX + "unfinished"), List.of(state.instanceId(), PREFIX, "0"));
        if (!((List<?>) lists.get(1)).isEmpty()) {
            lists = (List<?>) state.evalDurably(TAKE_OVER, List.of(PREFIX + "unfinished"), List.of(state.instanceId(), PREFIX, "1"));
        }
        List<?> taken = (List<?>) lists.get(1);
        if (!taken.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "took over {0} transfer(s) whose instance''s lease expired: {1}", taken.size(), taken);
        }
        return ((List<?>) lists.get(0)).stream().map(id -> TransactionId.parse((String) id)).toList();
    }

    @Override
    public List<TransactionId> findByFile(FileId fileId) {
        List<String> ids = state.call(() -> state.redis().zrange(fileKey(fileId), 0, -1));
        List<TransactionId> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            // A transaction whose records expired before the file's set did is known no more.
            if (state.call(() -> state.redis().exists(txKey(id)))) {
                found.add(TransactionId.parse(id));
            }
        }
        return found;
    }

    private static String txKey(String id) {
        return PREFIX + "tx:" + id;
    }

    private static String metaKey(String id) {
        return PREFIX + "meta:" + id;
    }

    private static String fileKey(FileId fileId) {
        return PREFIX + "file:" + fileId;
    }
}
