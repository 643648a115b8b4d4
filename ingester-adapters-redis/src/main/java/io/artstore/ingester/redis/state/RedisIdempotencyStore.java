package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.in.Action;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The saga participant's idempotency records in Redis, shared by every instance: one hash per (saga id, step),
 * {@code artstore:ingester:{participant}:<sha-256 of saga id and step>}, with the fields of both actions
 * ({@code e.*} execute, {@code c.*} compensate: {@code owner}, {@code lease} (epoch ms), {@code reply},
 * {@code delivered}) and {@code created}. It expires after the retention, counted from its first command. Each
 * operation is one script, so the rules that join the two actions hold across instances; writes wait for the
 * replicas ({@link RedisState}), since a reply or a bar lost at a failover would let a command run twice.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    private static final String PREFIX = RedisState.NAMESPACE + "{participant}:";

    /**
     * KEYS: the step's hash. ARGV: action (e|c), owner, now (ms), lease (ms), retention (ms).
     * Returns {answered, reply, delivered} | {held, owner, lease} | {pending} | {granted, taken over, barred, execute reply}.
     */
    private static final String CLAIM = """
            local a = ARGV[1]
            local reply = redis.call('HGET', KEYS[1], a .. '.reply')
            if reply then
              return {'answered', reply, redis.call('HGET', KEYS[1], a .. '.delivered') or '0'}
            end
            local now = tonumber(ARGV[3])
            local owner = redis.call('HGET', KEYS[1], a .. '.owner')
            local lease = tonumber(redis.call('HGET', KEYS[1], a .. '.lease') or '0')
            if owner and lease > now then
              return {'held', owner, tostring(lease)}
            end
            if a == 'c' and redis.call('HEXISTS', KEYS[1], 'e.owner') == 1
                and redis.call('HEXISTS', KEYS[1], 'e.reply') == 0 then
              return {'pending'}
            end
            if redis.call('HSETNX', KEYS[1], 'created', ARGV[3]) == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[5])
            end
            redis.call('HSET', KEYS[1], a .. '.owner', ARGV[2], a .. '.lease', tostring(now + tonumber(ARGV[4])))
            local barred = '0'
            local executed = ''
            if a == 'e' then
              barred = tostring(redis.call('HEXISTS', KEYS[1], 'c.owner'))
            else
              executed = redis.call('HGET', KEYS[1], 'e.reply') or ''
            end
            return {'granted', owner and '1' or '0', barred, executed}
            """;

    /**
     * Whether ARGV[2] holds the action ARGV[1] unanswered, as one Lua expression. The scripts below take KEYS: the
     * step's hash; ARGV: action, owner, then the new lease (ms; renew) or the reply (complete) or nothing (release).
     */
    private static final String OWNED = "redis.call('HGET', KEYS[1], ARGV[1] .. '.owner') == ARGV[2]"
            + " and redis.call('HEXISTS', KEYS[1], ARGV[1] .. '.reply') == 0";
    private static final String RENEW = "if not (" + OWNED + ") then return 0 end\n"
            + "redis.call('HSET', KEYS[1], ARGV[1] .. '.lease', ARGV[3])\nreturn 1";
    private static final String COMPLETE = "if not (" + OWNED + ") then return 0 end\n"
            + "redis.call('HSET', KEYS[1], ARGV[1] .. '.reply', ARGV[3])\nreturn 1";
    private static final String RELEASE = "if not (" + OWNED + ") then return 0 end\n"
            + "redis.call('HSET', KEYS[1], ARGV[1] .. '.lease', '0')\nreturn 1";
    private static final String DELIVERED = """
            local a = ARGV[1]
            if redis.call('HEXISTS', KEYS[1], a .. '.reply') == 0
                or redis.call('HGET', KEYS[1], a .. '.delivered') == '1' then
              return 0
            end
            redis.call('HSET', KEYS[1], a .. '.delivered', '1')
            return 1
            """;

    private final RedisState state;

    public RedisIdempotencyStore(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public Claim claim(CommandKey key, String owner, Instant now, Duration lease) {
        Object answer = state.evalDurably(CLAIM, List.of(key(key)), List.of(action(key), owner,
                Long.toString(now.toEpochMilli()), Long.toString(lease.toMillis()),
                Long.toString(state.settings().retention().toMillis())));
        List<?> fields = (List<?>) answer;
        String kind = text(fields.get(0));
        return switch (kind) {
            case "answered" -> new Claim.Answered(text(fields.get(1)), "1".equals(text(fields.get(2))));
            case "held" -> new Claim.Held(text(fields.get(1)), Instant.ofEpochMilli(Long.parseLong(text(fields.get(2)))));
            case "pending" -> new Claim.ExecutePending();
            case "granted" -> new Claim.Granted("1".equals(text(fields.get(1))), "1".equals(text(fields.get(2))),
                    Optional.of(text(fields.get(3))).filter(reply -> !reply.isEmpty()));
            default -> throw new IllegalStateException("unexpected answer of the claim script: " + kind);
        };
    }

    @Override
    public boolean renew(CommandKey key, String owner, Instant now, Duration lease) {
        return ok(state.evalDurably(RENEW, List.of(key(key)), List.of(action(key), owner,
                Long.toString(now.plus(lease).toEpochMilli()))));
    }

    @Override
    public boolean complete(CommandKey key, String owner, String reply) {
        return ok(state.evalDurably(COMPLETE, List.of(key(key)), List.of(action(key), owner, reply)));
    }

    @Override
    public void release(CommandKey key, String owner) {
        state.evalDurably(RELEASE, List.of(key(key)), List.of(action(key), owner));
    }

    @Override
    public boolean markDelivered(CommandKey key) {
        return ok(state.evalDurably(DELIVERED, List.of(key(key)), List.of(action(key))));
    }

    private static boolean ok(Object answer) {
        return Long.valueOf(1).equals(answer);
    }

    private static String action(CommandKey key) {
        return key.action() == Action.EXECUTE ? "e" : "c";
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static String key(CommandKey key) {
        try {
            return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.stepKey().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
