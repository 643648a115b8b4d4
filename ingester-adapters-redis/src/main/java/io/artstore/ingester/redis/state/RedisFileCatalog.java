package io.artstore.ingester.redis.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.formats.CatalogEntryJson;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The file catalogue in Redis: one hash, {@code artstore:ingester:{catalog}:files}, from file id to the entry as
 * JSON (the embedded catalogue's form: {@code element_id}, {@code mode}, {@code attributes} as in attr.json). One
 * key keeps {@link #size} exact and cheap; an entry lives as long as its file. Writes are durable in the sense of
 * {@link RedisState}.
 */
public final class RedisFileCatalog implements FileCatalog {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String KEY = RedisState.NAMESPACE + "{catalog}:files";

    /** HSETNX, answering the value the field holds afterwards. */
    private static final String PUT_IF_ABSENT = "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then return ARGV[2] end "
            + "return redis.call('HGET', KEYS[1], ARGV[1])";

    /** HDEL only when the field holds exactly the given JSON. */
    private static final String REMOVE_IF = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0";

    private final RedisState state;

    public RedisFileCatalog(RedisState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public void put(CatalogEntry entry) {
        String json = toJson(entry);
        state.durably(KEY, pipeline -> pipeline.hset(KEY, entry.fileId().toString(), json));
    }

    /** One script, so that no write comes between the check and the set; durable as {@link #put} is. */
    @Override
    public CatalogEntry putIfAbsent(CatalogEntry entry) {
        String json = toJson(entry);
        Object stored = state.evalDurably(PUT_IF_ABSENT, List.of(KEY), List.of(entry.fileId().toString(), json));
        return json.equals(stored) ? entry : fromJson(entry.fileId(), (String) stored);
    }

    @Override
    public Optional<CatalogEntry> find(FileId fileId) {
        String json = state.call(() -> state.redis().hget(KEY, fileId.toString()));
        return Optional.ofNullable(json).map(text -> fromJson(fileId, text));
    }

    @Override
    public void remove(FileId fileId) {
        state.durably(KEY, pipeline -> pipeline.hdel(KEY, fileId.toString()));
    }

    @Override
    public boolean removeIf(CatalogEntry expected) {
        Object removed = state.evalDurably(REMOVE_IF, List.of(KEY), List.of(expected.fileId().toString(), toJson(expected)));
        return Long.valueOf(1).equals(removed);
    }

    @Override
    public long size() {
        return state.call(() -> state.redis().hlen(KEY));
    }

    private static String toJson(CatalogEntry entry) {
        return CatalogEntryJson.toJson(entry).toString();
    }

    private static CatalogEntry fromJson(FileId fileId, String json) {
        try {
            return CatalogEntryJson.fromJson(MAPPER.readTree(json));
        } catch (IOException | RuntimeException e) {
            throw new IngestException(IngestException.Kind.INTERNAL, "catalog_corrupt", "the catalogue entry of file "
                    + fileId + " in Redis cannot be read: " + e.getMessage(), e);
        }
    }
}
