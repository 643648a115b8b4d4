package io.artstore.ingester.redis.capacity;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.SharedCapacity;
import io.artstore.ingester.redis.RedisConnections;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code capacity:<element_id>} hashes that ArtStore's ingesters share (string values: {@code storage_id, mode,
 * total, used, available, percent_used, health, backend, location, last_update, last_poll, endpoint}; TTL 600 s).
 * Writes carry the writer's fencing token in a {@code fencing_token} field and are refused when the hash holds a
 * larger one, so that a leader that lost its lock without knowing cannot overwrite its successor's report.
 */
public final class CapacityHashes {

    public static final Duration TTL = Duration.ofSeconds(600);

    /** ARGV[1] token, ARGV[2] TTL in seconds, then field/value pairs. */
    private static final String FENCED_WRITE = """
            local held = tonumber(redis.call('HGET', KEYS[1], 'fencing_token') or '0')
            if tonumber(ARGV[1]) < held then
              return 0
            end
            local fields = {}
            for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
            redis.call('HSET', KEYS[1], 'fencing_token', ARGV[1], unpack(fields))
            redis.call('EXPIRE', KEYS[1], ARGV[2])
            return 1
            """;

    private final RedisConnections connections;

    public CapacityHashes(RedisConnections connections) {
        this.connections = connections;
    }

    public static String key(StorageElementId id) {
        return "capacity:" + id.value();
    }

    /**
     * Writes a successful poll's figures.
     *
     * @return false when a leader with a larger token has written since
     */
    public boolean writePoll(long token, StorageElementDescriptor descriptor, Instant polledAt) {
        Capacity capacity = descriptor.capacity();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("storage_id", descriptor.id().value());
        fields.put("mode", descriptor.mode().wireName());
        fields.put("total", Long.toString(capacity.totalBytes()));
        fields.put("used", Long.toString(capacity.usedBytes()));
        fields.put("available", Long.toString(capacity.availableBytes()));
        fields.put("percent_used", String.format(Locale.ROOT, "%.2f", capacity.percentUsed()));
        fields.put("health", health(descriptor.health()));
        fields.put("backend", "http");
        fields.put("location", descriptor.location());
        fields.put("last_update", polledAt.toString());
        fields.put("last_poll", polledAt.toString());
        fields.put("endpoint", descriptor.location());
        return write(descriptor.id(), token, fields);
    }

    /**
     * Marks the element unhealthy after a failed poll, at once rather than when the last good report expires; its
     * last known figures stay.
     */
    public boolean writeFailure(long token, StorageElementId id, Instant polledAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("storage_id", id.value());
        fields.put("health", "unhealthy");
        fields.put("last_poll", polledAt.toString());
        return write(id, token, fields);
    }

    private boolean write(StorageElementId id, long token, Map<String, String> fields) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(token));
        args.add(Long.toString(TTL.toSeconds()));
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        Object written = connections.client().eval(FENCED_WRITE, List.of(key(id)), args);
        return written instanceof Long count && count == 1;
    }

    /** The hash as a report, or empty when there is none or it cannot be read. */
    public Optional<SharedCapacity.Report> read(StorageElementId id) {
        Map<String, String> hash = connections.client().hgetAll(key(id));
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant polledAt = Instant.parse(hash.getOrDefault("last_poll", hash.getOrDefault("last_update", "")));
            Capacity capacity = new Capacity(number(hash, "total"), number(hash, "used"), number(hash, "available"));
            return Optional.of(new SharedCapacity.Report(health(hash.get("health")), capacity, polledAt));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long number(Map<String, String> hash, String field) {
        String value = hash.get(field);
        if (value == null || value.isBlank()) {
            return 0;
        }
        return Math.max(0, (long) Double.parseDouble(value));
    }

    private static String health(Health health) {
        return switch (health) {
            case HEALTHY -> "healthy";
            case DEGRADED -> "degraded";
            case UNAVAILABLE -> "unhealthy";
        };
    }

    private static Health health(String text) {
        if (text == null) {
            return Health.UNAVAILABLE;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "healthy", "ok", "online" -> Health.HEALTHY;
            case "degraded", "warning" -> Health.DEGRADED;
            default -> Health.UNAVAILABLE;
        };
    }
}
