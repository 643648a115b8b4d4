package io.artstore.ingester.core.upload;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.saga.JsonText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The JSON text of an upload session, the same in every store (a file, a Redis value), so adapters keep text only.
 * Member {@code v} is the format version; instants are epoch milliseconds.
 */
public final class UploadSessionCodec {

    private static final long VERSION = 1;

    private UploadSessionCodec() {}

    public static String encode(UploadSession session) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("v", VERSION);
        json.put("id", session.id().value());
        json.put("revision", session.revision());
        if (session.length().isPresent()) {
            json.put("length", session.length().getAsLong());
        }
        json.put("offset", session.offset());
        json.put("metadata", session.metadata());
        json.put("concat", session.concatenation().kind().name());
        json.put("parts", session.concatenation().parts().stream().map(UploadId::value).toList());
        json.put("state", session.state().name());
        session.fileId().ifPresent(id -> json.put("file_id", id.toString()));
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("subject", session.owner().subject());
        owner.put("name", session.owner().name());
        session.owner().clientId().ifPresent(id -> owner.put("client_id", id));
        session.owner().tokenId().ifPresent(id -> owner.put("token_id", id));
        json.put("owner", owner);
        json.put("created", session.created().toEpochMilli());
        json.put("expires", session.expires().toEpochMilli());
        json.put("updated", session.updated().toEpochMilli());
        Map<String, Object> reservation = new LinkedHashMap<>();
        reservation.put("staging_bytes", session.reservation().stagingBytes());
        session.reservation().element().ifPresent(element -> reservation.put("element", element.value()));
        json.put("reservation", reservation);
        Map<String, Object> lock = new LinkedHashMap<>();
        session.lock().holder().ifPresent(holder -> lock.put("holder", holder));
        lock.put("fencing_token", session.lock().fencingToken());
        lock.put("lease_until", session.lock().leaseUntil().toEpochMilli());
        lock.put("release_requested", session.lock().releaseRequested());
        json.put("lock", lock);
        json.put("bytes_per_second", session.bytesPerSecond());
        session.failure().ifPresent(reason -> json.put("failure", reason));
        return JsonText.write(json);
    }

    /** @throws IllegalArgumentException when the text is not a session of a known version */
    public static UploadSession decode(String text) {
        try {
            Map<?, ?> json = map(JsonText.read(text), "session");
            long version = number(json, "v");
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown upload session format version " + version);
            }
            Map<?, ?> owner = map(json.get("owner"), "owner");
            Map<?, ?> reservation = map(json.get("reservation"), "reservation");
            Map<?, ?> lock = map(json.get("lock"), "lock");
            Map<String, String> metadata = new LinkedHashMap<>();
            map(json.get("metadata"), "metadata").forEach((key, value) -> metadata.put((String) key, (String) value));
            List<UploadId> parts = new ArrayList<>();
            for (Object part : (List<?>) json.get("parts")) {
                parts.add(new UploadId((String) part));
            }
            return new UploadSession(
                    new UploadId(string(json, "id")),
                    number(json, "revision"),
                    json.containsKey("length") ? OptionalLong.of(number(json, "length")) : OptionalLong.empty(),
                    number(json, "offset"),
                    metadata,
                    new Concatenation(Concatenation.Kind.valueOf(string(json, "concat")), parts),
                    UploadState.valueOf(string(json, "state")),
                    optional(json, "file_id").map(FileId::parse),
                    new Caller(string(owner, "subject"), string(owner, "name"), optional(owner, "client_id"),
                            optional(owner, "token_id")),
                    instant(json, "created"),
                    instant(json, "expires"),
                    instant(json, "updated"),
                    new UploadReservation(number(reservation, "staging_bytes"),
                            optional(reservation, "element").map(StorageElementId::of)),
                    new UploadLock(optional(lock, "holder"), number(lock, "fencing_token"), instant(lock, "lease_until"),
                            Boolean.TRUE.equals(lock.get("release_requested"))),
                    ((Number) json.get("bytes_per_second")).doubleValue(),
                    optional(json, "failure"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not an upload session: " + e.getMessage(), e);
        }
    }

    private static Map<?, ?> map(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new IllegalArgumentException("not an upload session: " + what + " is not an object");
    }

    private static String string(Map<?, ?> json, String name) {
        Object value = json.get(name);
        if (value instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException("not an upload session: " + name + " is not a string");
    }

    private static Optional<String> optional(Map<?, ?> json, String name) {
        return json.containsKey(name) ? Optional.of(string(json, name)) : Optional.empty();
    }

    private static long number(Map<?, ?> json, String name) {
        Object value = json.get(name);
        if (value instanceof Long number) {
            return number;
        }
        throw new IllegalArgumentException("not an upload session: " + name + " is not an integer");
    }

    private static Instant instant(Map<?, ?> json, String name) {
        return Instant.ofEpochMilli(number(json, name));
    }
}
