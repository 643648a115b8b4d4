package io.artstore.ingester.storage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DeletionReason;
import io.artstore.ingester.core.port.out.FileRegistration;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.Finalization;
import io.artstore.ingester.core.port.out.RegisteredFile;
import io.artstore.ingester.storage.http.BearerTokens;
import io.artstore.ingester.storage.http.ServiceAccountTokens;
import io.artstore.ingester.storage.registry.RegistryOutbox.Entry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * ArtStore's file registry in the admin module, reached through a durable outbox: each call is written to the
 * outbox ({@link RegistryOutbox}, a file in the data folder) and returns; a relay thread ({@link RegistryRelay})
 * delivers the calls in order with retries, so that a throttled or unreachable admin module loses none, and
 * after a restart the calls still pending are delivered.
 */
public final class AdminFileRegistry implements FileRegistry, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryOutbox outbox;
    private final RegistryRelay relay;
    private final AdminRegistryClient registry;
    private final OkHttpClient client;
    private final Clock clock;
    private final Thread thread;

    private AdminFileRegistry(RegistryOutbox outbox, RegistryRelay relay, AdminRegistryClient registry,
            OkHttpClient client, Clock clock) {
        this.outbox = outbox;
        this.relay = relay;
        this.registry = registry;
        this.client = client;
        this.clock = clock;
        this.thread = new Thread(relay, "file-registry-relay");
        thread.setDaemon(true);
    }

    /** Opens the outbox and starts delivering what it holds. */
    public static AdminFileRegistry start(RegistrySettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        OkHttpClient client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(2, 5, TimeUnit.MINUTES))
                .connectTimeout(settings.timeout())
                .readTimeout(settings.timeout())
                .writeTimeout(settings.timeout())
                .callTimeout(settings.timeout().multipliedBy(3))
                .followRedirects(false)
                .build();
        RegistryOutbox outbox = RegistryOutbox.open(settings.outboxFolder());
        BearerTokens tokens = new ServiceAccountTokens(client, settings.account(), clock);
        AdminRegistryClient registry = new AdminRegistryClient(client, HttpUrl.get(settings.adminModuleUrl().toString()), tokens);
        AdminFileRegistry started = new AdminFileRegistry(outbox, new RegistryRelay(outbox, registry, settings, clock), registry,
                client, clock);
        started.thread.start();
        return started;
    }

    @Override
    public void register(FileRegistration registration) {
        enqueue(RegistryOutbox.Kind.REGISTER, registration.fileId(), body(registration));
    }

    @Override
    public void markFinalized(FileId fileId, Finalization finalization) {
        ObjectNode body = JSON.createObjectNode()
                .put("retention_policy", RetentionPolicy.PERMANENT.wireName())
                .put("storage_element_id", finalization.elementId().value())
                .put("storage_path", finalization.storagePath())
                .put("finalized_at", finalization.finalizedAt().toString());
        enqueue(RegistryOutbox.Kind.FINALIZE, fileId, body);
    }

    @Override
    public void softDelete(FileId fileId, DeletionReason reason) {
        enqueue(RegistryOutbox.Kind.DELETE, fileId, JSON.getNodeFactory().textNode(reason.wireName()));
    }

    /** One GET with the relay's client and token, so within {@code timeout}; a caller waits for it. */
    @Override
    public Optional<RegisteredFile> find(FileId fileId) {
        AdminRegistryClient.Answer answer = registry.get(fileId.toString());
        if (answer instanceof AdminRegistryClient.Done done) {
            return entry(fileId, done.body());
        }
        if (answer instanceof AdminRegistryClient.Refused refused) {
            if (refused.status() == 404) {
                return Optional.empty();
            }
            throw unavailable(fileId, "it answered " + refused.status() + ": " + refused.detail());
        }
        if (answer instanceof AdminRegistryClient.Unavailable unavailable) {
            throw unavailable(fileId, unavailable.reason());
        }
        throw unavailable(fileId, "it answered 429 (rate limit)");
    }

    /** The contract's entry; a soft-deleted one (the admin module answers 404 for it, but be sure) is no entry. */
    static Optional<RegisteredFile> entry(FileId fileId, JsonNode body) {
        if (body.path("is_deleted").asBoolean(false) || !body.path("deleted_at").isMissingNode()
                && !body.path("deleted_at").isNull()) {
            return Optional.empty();
        }
        try {
            RetentionPolicy retention = RetentionPolicy.parse(body.path("retention_policy").asText());
            StorageElementId element = StorageElementId.of(body.path("storage_element_id").asText());
            JsonNode finalized = body.path("finalized_at");
            Optional<Instant> finalizedAt = finalized.isTextual() ? Optional.of(instant(finalized.asText())) : Optional.empty();
            return Optional.of(new RegisteredFile(fileId, retention, element, finalizedAt));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "registry_unavailable", "the admin module's"
                    + " entry of file " + fileId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** FastAPI writes datetimes with or without an offset; one without is UTC. */
    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        }
    }

    private static IngestException unavailable(FileId fileId, String reason) {
        return new IngestException(IngestException.Kind.UNAVAILABLE, "registry_unavailable", "cannot read file "
                + fileId + " from the admin module's file registry now: " + reason);
    }

    public RegistryStatus status() {
        List<Entry> pending = outbox.pending();
        return new RegistryStatus(pending.size(), pending.stream().findFirst().map(Entry::enqueuedAt),
                outbox.failed().size(), relay.delivered(), relay.lastError(), relay.nextAttemptAt());
    }

    /** Stops the relay (calls still pending stay in the outbox for the next start) and closes the outbox. */
    @Override
    public void close() {
        relay.stop();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        outbox.close();
    }

    private void enqueue(RegistryOutbox.Kind kind, FileId fileId, JsonNode body) {
        outbox.append(kind, fileId.toString(), body, clock.instant());
        relay.wake();
    }

    /** The registration body, field for field as the admin module's contract names them. */
    static ObjectNode body(FileRegistration registration) {
        ObjectNode body = JSON.createObjectNode();
        body.put("file_id", registration.fileId().toString());
        body.put("original_filename", registration.originalFilename());
        body.put("storage_filename", registration.storageFilename());
        body.put("file_size", registration.originalSize());
        body.put("checksum_sha256", registration.originalChecksum().hex());
        body.put("content_type", registration.contentType());
        putOptional(body, "description", registration.description());
        body.put("retention_policy", registration.retention().wireName());
        if (registration.ttl().isPresent()) {
            body.put("ttl_expires_at", registration.ttl().get().expiresAt().toString());
            body.put("ttl_days", registration.ttl().get().days());
        } else {
            body.putNull("ttl_expires_at");
            body.putNull("ttl_days");
        }
        body.put("storage_element_id", registration.elementId().value());
        body.put("storage_path", registration.storagePath());
        body.put("compressed", registration.compression().isPresent());
        putOptional(body, "compression_algorithm", registration.compression().map(algorithm -> algorithm.wireName()));
        body.put("original_size", registration.originalSize());
        body.put("uploaded_by", registration.uploadedBy());
        putOptional(body, "upload_source_ip", registration.uploadSourceIp());
        if (registration.userMetadata().isEmpty()) {
            body.putNull("user_metadata");
        } else {
            body.set("user_metadata", JSON.valueToTree(registration.userMetadata()));
        }
        return body;
    }

    private static void putOptional(ObjectNode body, String field, Optional<String> value) {
        if (value.isPresent()) {
            body.put(field, value.get());
        } else {
            body.putNull(field);
        }
    }
}
