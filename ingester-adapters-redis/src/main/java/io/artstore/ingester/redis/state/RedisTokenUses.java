package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.TokenUses;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Temporary tokens' use counts in Redis, shared by every instance: a single-use token used on one instance is spent
 * on all. Key {@code artstore:ingester:{tokens}:uses:<sha-256 of the token id>}, a counter that expires with the
 * token. Checking and counting are one script, so two instances never both grant the last use; the count is
 * written durably ({@link RedisState}), since a count lost at a failover would grant a use again.
 */
public final class RedisTokenUses implements TokenUses {

    private static final String PREFIX = RedisState.NAMESPACE + "{tokens}:uses:";

    /** KEYS: counter. ARGV: max uses, expiry (epoch ms). Returns 1 when this use is granted, else 0. */
    private static final String USE = """
            local count = tonumber(redis.call('GET', KEYS[1]) or '0')
            if count >= tonumber(ARGV[1]) then return 0 end
            redis.call('INCR', KEYS[1])
            redis.call('PEXPIREAT', KEYS[1], ARGV[2])
            return 1
            """;

    /** Kept past the token's end for a while, so that a token accepted within the clock-skew leeway stays counted. */
    private static final long KEEP_AFTER_EXPIRY_MILLIS = 10 * 60 * 1000L;

    private final RedisState state;

    public RedisTokenUses(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public boolean tryUse(String tokenId, int maxUses, Instant expiresAt) {
        Objects.requireNonNull(tokenId, "tokenId");
        if (maxUses <= 0) {
            return false;
        }
        Object granted = state.evalDurably(USE, List.of(PREFIX + digest(tokenId)),
                List.of(Integer.toString(maxUses), Long.toString(expiresAt.toEpochMilli() + KEEP_AFTER_EXPIRY_MILLIS)));
        return Long.valueOf(1).equals(granted);
    }

    private static String digest(String tokenId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tokenId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
