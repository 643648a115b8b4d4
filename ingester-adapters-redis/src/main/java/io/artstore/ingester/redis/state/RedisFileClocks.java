package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.FileClocks;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The clock of each file's last change in Redis, {@code artstore:ingester:file-clock:{<file id>}} (a string, the
 * clock's text form). Bounded as the embedded store is: when the change recorded was the file's end (the given
 * test says the file no longer exists), its clock is deleted. A change merges with the recorded clock by
 * compare-and-set, retried when another instance wrote in between, so no change is lost. Writes are durable in
 * the sense of {@link RedisState}.
 */
public final class RedisFileClocks implements FileClocks {

    private static final int MAX_RACES = 32;

    /** KEYS: clock. ARGV: expected ('' none), next. */
    private static final String COMPARE_AND_SET = """
            local current = redis.call('GET', KEYS[1])
            if (current or '') ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2])
            return 1
            """;

    private final RedisState state;
    private final Predicate<FileId> exists;

    /** @param exists whether a file exists (the catalogue); a recorded change of a file that does not is its end */
    public RedisFileClocks(RedisState state, Predicate<FileId> exists) {
        this.state = Objects.requireNonNull(state, "state");
        this.exists = Objects.requireNonNull(exists, "exists");
    }

    @Override
    public Optional<VectorClock> lastChange(FileId fileId) {
        return read(fileId).map(VectorClock::parse);
    }

    @Override
    public void recordChange(FileId fileId, VectorClock clock) {
        Objects.requireNonNull(clock, "clock");
        String key = key(fileId);
        if (!exists.test(fileId)) {
            // The change was the file's end: nothing is left to order against it.
            state.durably(key, pipeline -> pipeline.del(key));
            return;
        }
        for (int race = 0; race < MAX_RACES; race++) {
            Optional<String> current = read(fileId);
            VectorClock next = current.map(text -> VectorClock.parse(text).merge(clock)).orElse(clock);
            Object set = state.evalDurably(COMPARE_AND_SET, List.of(key), List.of(current.orElse(""), next.toText()));
            if (Long.valueOf(1).equals(set)) {
                return;
            }
        }
        throw IngestException.conflict("file_clock_contended", "the clock of file " + fileId
                + " kept changing while a change was recorded; retry");
    }

    private Optional<String> read(FileId fileId) {
        return Optional.ofNullable(state.call(() -> state.redis().get(key(fileId))));
    }

    private static String key(FileId fileId) {
        return RedisState.NAMESPACE + "file-clock:{" + fileId + "}";
    }
}
