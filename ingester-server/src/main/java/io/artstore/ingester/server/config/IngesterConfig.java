package io.artstore.ingester.server.config;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.redis.RedisSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the server is configured with, parsed once at start by {@link ConfigLoader}.
 *
 * @param sourceFile the YAML file read, if any
 * @param defaultsOnly true when neither a file nor any known environment variable was given
 */
public record IngesterConfig(
        ServerSettings server,
        LoggingSettings logging,
        AuthSettings auth,
        AdminSettings admin,
        StorageSettings storage,
        UploadSettings upload,
        CompressionSettings compression,
        // --- transfers and vector clocks ---
        InstanceSettings instance,
        TransferSettings transfer,
        // --- end of transfers and vector clocks ---
        // --- sagas and signing ---
        SigningSettings signing,
        SagaSettings sagas,
        // --- end of sagas and signing ---
        FileRegistrySettings registry,
        AuditSettings audit,
        AlertSettings alerts,
        EncryptionSettings encryption,
        // --- Redis and service discovery ---
        Optional<RedisSettings> redis,
        DiscoverySettings discovery,
        // --- end of Redis and service discovery ---
        Optional<Path> sourceFile,
        boolean defaultsOnly,
        // --- shared state ---
        StateSettings state) {

    /** What a secret shows as wherever the configuration is displayed. */
    public static final String MASK = "********";

    public IngesterConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(transfer, "transfer");
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(sagas, "sagas");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(sourceFile, "sourceFile");
        Objects.requireNonNull(state, "state");
        if (state.store() == StateSettings.Store.REDIS && redis.isEmpty()) {
            throw new IllegalArgumentException("the shared state in Redis needs the Redis settings");
        }
    }

    /** The configuration under its file keys, secrets masked: safe to show to operators. */
    public Map<String, Object> describe() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("source", sourceFile.map(Path::toString).orElse(defaultsOnly ? "defaults" : "environment"));
        root.put("server", ordered("host", server.host(), "port", server.port()));
        root.put("logging", ordered("level", logging.level(), "format", logging.format().name().toLowerCase(java.util.Locale.ROOT),
                "file", logging.file().map(Path::toString).orElse(null),
                "max_file_size", ConfigValues.size(logging.maxFileBytes()), "max_history_days", logging.maxHistoryDays()));
        root.put("auth", ordered("enabled", auth.enabled(),
                "public_key_path", auth.publicKeyPath().map(Path::toString).orElse(null),
                "client_id", auth.clientId().orElse(null),
                "client_secret", auth.clientSecret().map(secret -> MASK).orElse(null),
                "jwks_url", auth.jwksUrl().map(Object::toString).orElse(null),
                "leeway", ConfigValues.duration(auth.leeway()),
                "rotation_grace", ConfigValues.duration(auth.rotationGrace()),
                "jwks_refresh_interval", ConfigValues.duration(auth.jwksRefreshInterval()),
                "roles", new java.util.TreeMap<>(auth.roles())));
        AbuseSettings abuse = auth.abuse();
        root.put("limits", ordered("ip_requests_per_minute", abuse.ipRequestsPerMinute(),
                "subject_requests_per_minute", abuse.subjectRequestsPerMinute(),
                "concurrent_uploads_per_subject", abuse.concurrentUploadsPerSubject(),
                "auth_failures_before_block", abuse.authFailuresBeforeBlock(), "refusals_before_block", abuse.refusalsBeforeBlock(),
                "window", ConfigValues.duration(abuse.window()), "block_duration", ConfigValues.duration(abuse.blockDuration()),
                "trusted_proxies", abuse.trustedProxies(),
                "request_header_timeout", ConfigValues.duration(abuse.requestHeaderTimeout()),
                "idle_timeout", ConfigValues.duration(abuse.idleTimeout()),
                "max_request_header_size", ConfigValues.size(abuse.maxRequestHeaderBytes())));
        root.put("admin", ordered("enabled_without_auth", admin.enabledWithoutAuth()));
        List<Map<String, Object>> elements = storage.elements().stream().map(element -> ordered(
                "id", element.id().value(), "mode", element.mode().wireName(),
                "type", element.type().name().toLowerCase(java.util.Locale.ROOT), "path", element.path().toString(),
                "priority", element.priority(),
                "capacity_bytes", element.capacityBytes().isPresent() ? ConfigValues.size(element.capacityBytes().getAsLong()) : null)).toList();
        // --- Remote storage elements: listed after the local ones, secrets masked.
        List<Map<String, Object>> allElements = new java.util.ArrayList<>(elements);
        storage.httpElements().forEach(element -> allElements.add(RemoteElementDescription.of(element)));
        root.put("storage", ordered("data_dir", storage.dataDir().toString(), "elements", allElements));
        root.put("logs", ordered("salvage", storage.salvageLogs()));
        if (!storage.serviceAccount().isEmpty()) {
            root.put("service_account", RemoteElementDescription.of(storage.serviceAccount()));
        }
        // --- End of remote storage elements.
        root.put("upload", ordered("max_file_size", ConfigValues.size(upload.maxFileBytes())));
        ResumableSettings resumable = upload.resumable();
        root.put("uploads", ordered("staging_dir", resumable.stagingDir().toString(),
                "staging_max_size", ConfigValues.size(resumable.stagingMaxBytes()),
                "expires_after", ConfigValues.duration(resumable.expiresAfter()),
                "lock_wait", ConfigValues.duration(resumable.lockWait()), "lock_lease", ConfigValues.duration(resumable.lockLease()),
                "sweep_interval", ConfigValues.duration(resumable.sweepInterval()),
                "cors_allowed_origins", String.join(",", resumable.corsOrigins())));
        root.put("compression", ordered("enabled_by_default", compression.enabledByDefault(),
                "default_algorithm", compression.defaultAlgorithm().wireName(),
                "brotli_quality", compression.brotliQuality(), "gzip_level", compression.gzipLevel()));
        // --- transfers and vector clocks ---
        root.put("instance", ordered("node_id", instance.nodeId().map(NodeId::value).orElse(null),
                "clock_participants", instance.clockParticipants(), "clock_max_entries", instance.clockMaxEntries()));
        root.put("transfer", ordered("recovery_interval", ConfigValues.duration(transfer.recoveryInterval()),
                "parallelism", transfer.parallelism()));
        // --- end of transfers and vector clocks ---
        // --- sagas and signing ---
        root.put("signing", ordered("default", signing.signByDefault(), "source", signing.source(),
                "algorithm", signing.algorithm().wireName(),
                "keystore_path", signing.keystorePath().map(Path::toString).orElse(null),
                "keystore_password", signing.keystorePassword().map(secret -> MASK).orElse(null),
                "keystore_alias", signing.keystoreAlias(),
                "service_url", signing.serviceUrl().map(Object::toString).orElse(null),
                "service_token", signing.serviceToken().map(secret -> MASK).orElse(null)));
        root.put("sagas", ordered("instance_id", sagas.instanceId().orElse(null), "lease", ConfigValues.duration(sagas.lease()),
                "recovery_interval", ConfigValues.duration(sagas.recoveryInterval()), "add_timeout", ConfigValues.duration(sagas.addTimeout()),
                "delete_timeout", ConfigValues.duration(sagas.deleteTimeout()), "max_retry_wait", ConfigValues.duration(sagas.maxRetryWait())));
        // --- end of sagas and signing ---
        root.put("registry", ordered("enabled", registry.enabled(),
                "admin_module_url", registry.adminModuleUrl().map(Object::toString).orElse(null),
                "client_id", registry.account().map(account -> account.clientId()).orElse(null),
                "client_secret", registry.account().map(account -> MASK).orElse(null),
                "retry_delay", registry.retryDelay().toString(), "max_retry_delay", registry.maxRetryDelay().toString(),
                "timeout", registry.timeout().toString()));
        root.put("audit", ordered("checkpoint_every", audit.checkpointEvery(),
                "checkpoint_interval", ConfigValues.duration(audit.checkpointInterval()),
                "max_file_size", ConfigValues.size(audit.maxFileBytes())));
        root.put("alerts", ordered("mass_delete", threshold(alerts.massDelete()), "upload_flood", threshold(alerts.uploadFlood()),
                "auth_failures", threshold(alerts.authenticationFailures())));
        root.put("encryption", ordered("enabled", encryption.enabled(),
                "keys_dir", encryption.keysDir().map(Path::toString).orElse(null), "key_id", encryption.keyId().orElse(null)));
        // --- Redis and service discovery ---
        redis.ifPresent(settings -> root.put("redis", RedisDescription.of(settings)));
        root.put("discovery", ordered("enabled", discovery.enabled(),
                "poll_interval", ConfigValues.duration(discovery.pollInterval()),
                "capacity_poll_interval", ConfigValues.duration(discovery.capacityPollInterval()),
                "element_defaults", discovery.defaults().map(RemoteElementDescription::connection).orElse(null),
                "elements", discovery.perElement().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        entry -> entry.getKey().value(), entry -> RemoteElementDescription.connection(entry.getValue()),
                        (a, b) -> a, java.util.TreeMap::new))));
        // --- end of Redis and service discovery ---
        // --- shared state ---
        root.put("state", state.store().wireName());
        if (state.store() == StateSettings.Store.REDIS) {
            root.put("shared_state", ordered("wait_replicas", state.waitReplicas(),
                    "wait_timeout", ConfigValues.duration(state.waitTimeout()), "retention", ConfigValues.duration(state.retention()),
                    "instance_lease", ConfigValues.duration(state.instanceLease())));
        }
        return root;
    }

    private static Map<String, Object> threshold(AlertSettings.Threshold threshold) {
        return ordered("count", threshold.count(), "window", ConfigValues.duration(threshold.window()));
    }

    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
