package io.artstore.ingester.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.storage.http.HttpStorageSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configuration once, at start: a YAML file ({@code --config FILE} or {@code INGESTER_CONFIG}) and
 * environment variables, a variable winning over the file. The ArtStore ingester's variable names are accepted
 * beside the {@code INGESTER_*} ones. Every error names the file key or variable at fault.
 */
public final class ConfigLoader {

    public static final String CONFIG_FILE_VARIABLE = "INGESTER_CONFIG";
    public static final String CONFIG_FILE_OPTION = "--config";

    /** File key → the environment variables that set it, the ArtStore name first. */
    static final Map<String, List<String>> VARIABLES = Map.ofEntries(
            Map.entry("server.host", List.of("APP_HOST", "INGESTER_HOST")),
            Map.entry("server.port", List.of("APP_PORT", "INGESTER_PORT")),
            Map.entry("logging.level", List.of("LOG_LEVEL", "INGESTER_LOG_LEVEL")),
            Map.entry("logging.format", List.of("LOG_FORMAT", "INGESTER_LOG_FORMAT")),
            Map.entry("logging.file", List.of("LOG_FILE", "INGESTER_LOG_FILE")),
            Map.entry("logging.max_file_size", List.of("INGESTER_LOG_MAX_FILE_SIZE")),
            Map.entry("logging.max_history_days", List.of("INGESTER_LOG_MAX_HISTORY_DAYS")),
            Map.entry("auth.enabled", List.of("AUTH_ENABLED", "INGESTER_AUTH_ENABLED")),
            Map.entry("auth.public_key_path", List.of("AUTH_PUBLIC_KEY_PATH", "INGESTER_AUTH_PUBLIC_KEY_PATH")),
            Map.entry("auth.client_id", List.of("INGESTER_AUTH_CLIENT_ID")),
            Map.entry("auth.client_secret", List.of("INGESTER_AUTH_CLIENT_SECRET")),
            // --- authentication and abuse limits ---
            Map.entry("auth.jwks_url", List.of("AUTH_JWKS_URL", "INGESTER_AUTH_JWKS_URL")),
            Map.entry("auth.leeway", List.of("INGESTER_AUTH_LEEWAY")),
            Map.entry("auth.rotation_grace", List.of("INGESTER_AUTH_ROTATION_GRACE")),
            Map.entry("auth.jwks_refresh_interval", List.of("INGESTER_AUTH_JWKS_REFRESH_INTERVAL")),
            Map.entry("auth.roles", List.of("INGESTER_AUTH_ROLES")),
            Map.entry("limits.ip_requests_per_minute", List.of("INGESTER_LIMITS_IP_REQUESTS_PER_MINUTE")),
            Map.entry("limits.subject_requests_per_minute", List.of("INGESTER_LIMITS_SUBJECT_REQUESTS_PER_MINUTE")),
            Map.entry("limits.concurrent_uploads_per_subject", List.of("INGESTER_LIMITS_CONCURRENT_UPLOADS_PER_SUBJECT")),
            Map.entry("limits.auth_failures_before_block", List.of("INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK")),
            Map.entry("limits.refusals_before_block", List.of("INGESTER_LIMITS_REFUSALS_BEFORE_BLOCK")),
            Map.entry("limits.window", List.of("INGESTER_LIMITS_WINDOW")),
            Map.entry("limits.block_duration", List.of("INGESTER_LIMITS_BLOCK_DURATION")),
            Map.entry("limits.trusted_proxies", List.of("INGESTER_TRUSTED_PROXIES")),
            Map.entry("server.request_header_timeout", List.of("INGESTER_REQUEST_HEADER_TIMEOUT")),
            Map.entry("server.idle_timeout", List.of("INGESTER_IDLE_TIMEOUT")),
            Map.entry("server.max_request_header_size", List.of("INGESTER_MAX_REQUEST_HEADER_SIZE")),
            // --- end of authentication and abuse limits ---
            Map.entry("admin.enabled_without_auth", List.of("INGESTER_ADMIN_ENABLED_WITHOUT_AUTH")),
            Map.entry("storage.data_dir", List.of("INGESTER_DATA_DIR")),
            Map.entry("logs.salvage", List.of("INGESTER_LOGS_SALVAGE")),
            Map.entry("upload.max_file_size", List.of("MAX_FILE_SIZE", "INGESTER_MAX_FILE_SIZE")),
            Map.entry("uploads.staging_dir", List.of("INGESTER_UPLOADS_STAGING_DIR")),
            Map.entry("uploads.staging_max_size", List.of("INGESTER_UPLOADS_STAGING_MAX_SIZE")),
            Map.entry("uploads.expires_after", List.of("INGESTER_UPLOADS_EXPIRES_AFTER")),
            Map.entry("uploads.lock_wait", List.of("INGESTER_UPLOADS_LOCK_WAIT")),
            Map.entry("uploads.lock_lease", List.of("INGESTER_UPLOADS_LOCK_LEASE")),
            Map.entry("uploads.sweep_interval", List.of("INGESTER_UPLOADS_SWEEP_INTERVAL")),
            Map.entry("uploads.cors_allowed_origins", List.of("INGESTER_UPLOADS_CORS_ALLOWED_ORIGINS")),
            Map.entry("compression.enabled_by_default", List.of("INGESTER_COMPRESSION_ENABLED_BY_DEFAULT")),
            Map.entry("compression.default_algorithm", List.of("INGESTER_COMPRESSION_DEFAULT_ALGORITHM")),
            Map.entry("compression.brotli_quality", List.of("INGESTER_COMPRESSION_BROTLI_QUALITY")),
            Map.entry("compression.gzip_level", List.of("INGESTER_COMPRESSION_GZIP_LEVEL")),
            // --- transfers and vector clocks ---
            Map.entry("instance.node_id", List.of("INGESTER_NODE_ID")),
            Map.entry("instance.clock_participants", List.of("INGESTER_CLOCK_PARTICIPANTS")),
            Map.entry("instance.clock_max_entries", List.of("INGESTER_CLOCK_MAX_ENTRIES")),
            Map.entry("transfer.recovery_interval", List.of("INGESTER_TRANSFER_RECOVERY_INTERVAL")),
            Map.entry("transfer.parallelism", List.of("INGESTER_TRANSFER_PARALLELISM")),
            // --- Remote storage elements: the service account whose tokens they accept (ArtStore names first).
            Map.entry("service_account.client_id", List.of("SERVICE_ACCOUNT_CLIENT_ID", "INGESTER_SERVICE_ACCOUNT_CLIENT_ID")),
            Map.entry("service_account.client_secret",
                    List.of("SERVICE_ACCOUNT_CLIENT_SECRET", "INGESTER_SERVICE_ACCOUNT_CLIENT_SECRET")),
            Map.entry("service_account.admin_module_url",
                    List.of("SERVICE_ACCOUNT_ADMIN_MODULE_URL", "INGESTER_SERVICE_ACCOUNT_ADMIN_MODULE_URL")),
            // --- sagas and signing ---
            Map.entry("signing.default", List.of("INGESTER_SIGNING_DEFAULT")),
            Map.entry("signing.algorithm", List.of("INGESTER_SIGNING_ALGORITHM")),
            Map.entry("signing.keystore.path", List.of("INGESTER_SIGNING_KEYSTORE_PATH")),
            Map.entry("signing.keystore.password", List.of("INGESTER_SIGNING_KEYSTORE_PASSWORD")),
            Map.entry("signing.keystore.alias", List.of("INGESTER_SIGNING_KEYSTORE_ALIAS")),
            Map.entry("signing.service.url", List.of("INGESTER_SIGNING_SERVICE_URL")),
            Map.entry("signing.service.token", List.of("INGESTER_SIGNING_SERVICE_TOKEN")),
            Map.entry("sagas.instance_id", List.of("INGESTER_SAGAS_INSTANCE_ID")),
            Map.entry("sagas.lease", List.of("INGESTER_SAGAS_LEASE")),
            Map.entry("sagas.recovery_interval", List.of("INGESTER_SAGAS_RECOVERY_INTERVAL")),
            Map.entry("sagas.add_timeout", List.of("INGESTER_SAGAS_ADD_TIMEOUT")),
            Map.entry("sagas.delete_timeout", List.of("INGESTER_SAGAS_DELETE_TIMEOUT")),
            Map.entry("sagas.max_retry_wait", List.of("INGESTER_SAGAS_MAX_RETRY_WAIT")),
            // --- end of sagas and signing ---
            // --- file registry: the admin module's URL as ArtStore names it; the service account's credentials ---
            Map.entry("registry.admin_module_url", List.of("AUTH_ADMIN_MODULE_URL", "INGESTER_REGISTRY_ADMIN_MODULE_URL")),
            Map.entry("registry.retry_delay", List.of("INGESTER_REGISTRY_RETRY_DELAY")),
            Map.entry("registry.max_retry_delay", List.of("INGESTER_REGISTRY_MAX_RETRY_DELAY")),
            Map.entry("registry.timeout", List.of("INGESTER_REGISTRY_TIMEOUT")),
            // --- end of file registry ---
            // --- audit, alerts and encryption ---
            Map.entry("audit.checkpoint_every", List.of("INGESTER_AUDIT_CHECKPOINT_EVERY")),
            Map.entry("audit.checkpoint_interval", List.of("INGESTER_AUDIT_CHECKPOINT_INTERVAL")),
            Map.entry("audit.max_file_size", List.of("INGESTER_AUDIT_MAX_FILE_SIZE")),
            Map.entry("alerts.mass_delete.count", List.of("INGESTER_ALERTS_MASS_DELETE_COUNT")),
            Map.entry("alerts.mass_delete.window", List.of("INGESTER_ALERTS_MASS_DELETE_WINDOW")),
            Map.entry("alerts.upload_flood.count", List.of("INGESTER_ALERTS_UPLOAD_FLOOD_COUNT")),
            Map.entry("alerts.upload_flood.window", List.of("INGESTER_ALERTS_UPLOAD_FLOOD_WINDOW")),
            Map.entry("alerts.auth_failures.count", List.of("INGESTER_ALERTS_AUTH_FAILURES_COUNT")),
            Map.entry("alerts.auth_failures.window", List.of("INGESTER_ALERTS_AUTH_FAILURES_WINDOW")),
            Map.entry("encryption.enabled", List.of("INGESTER_ENCRYPTION_ENABLED")),
            Map.entry("encryption.keys_dir", List.of("INGESTER_ENCRYPTION_KEYS_DIR")),
            Map.entry("encryption.key_id", List.of("INGESTER_ENCRYPTION_KEY_ID")),
            // --- end of audit, alerts and encryption ---
            // --- Redis (ArtStore's variables where it has them) and service discovery ---
            Map.entry("redis.host", List.of("REDIS_HOST")),
            Map.entry("redis.port", List.of("REDIS_PORT")),
            Map.entry("redis.password", List.of("REDIS_PASSWORD")),
            Map.entry("redis.db", List.of("REDIS_DB")),
            Map.entry("redis.sentinel_hosts", List.of("REDIS_SENTINEL_HOSTS")),
            Map.entry("redis.sentinel_master", List.of("REDIS_SENTINEL_MASTER")),
            Map.entry("redis.sentinel_password", List.of("REDIS_SENTINEL_PASSWORD")),
            Map.entry("redis.cluster_nodes", List.of("REDIS_CLUSTER_NODES")),
            Map.entry("redis.tls", List.of("INGESTER_REDIS_TLS")),
            Map.entry("redis.timeout", List.of("INGESTER_REDIS_TIMEOUT")),
            Map.entry("discovery.enabled", List.of("INGESTER_DISCOVERY_ENABLED")),
            Map.entry("discovery.poll_interval", List.of("INGESTER_DISCOVERY_POLL_INTERVAL")),
            Map.entry("discovery.capacity_poll_interval", List.of("INGESTER_DISCOVERY_CAPACITY_POLL_INTERVAL")),
            // --- end of Redis and service discovery ---
            // --- shared state: where sagas, transfers, locks, reservations, catalogue and clocks live ---
            Map.entry("state", List.of("INGESTER_STATE")),
            Map.entry("shared_state.wait_replicas", List.of("INGESTER_STATE_WAIT_REPLICAS")),
            Map.entry("shared_state.wait_timeout", List.of("INGESTER_STATE_WAIT_TIMEOUT")),
            Map.entry("shared_state.retention", List.of("INGESTER_STATE_RETENTION")),
            Map.entry("shared_state.instance_lease", List.of("INGESTER_STATE_INSTANCE_LEASE")));
            // --- end of shared state ---

    /** Keys of the file that no variable sets. */
    private static final Set<String> FILE_ONLY_KEYS = Set.of("storage.elements", "auth.roles", "discovery.elements",
            "discovery.element_defaults");
    private static final Set<String> ELEMENT_KEYS = Set.of("id", "mode", "type", "path", "priority", "capacity_bytes");
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);

    private final Optional<Path> file;
    private final JsonNode tree;
    private final Map<String, String> env;

    private ConfigLoader(Optional<Path> file, JsonNode tree, Map<String, String> env) {
        this.file = file;
        this.tree = tree;
        this.env = env;
    }

    /**
     * @param args the command line: {@code --config FILE} or nothing
     * @param env the process environment
     * @throws ConfigException naming the first setting that is wrong
     */
    public static IngesterConfig load(List<String> args, Map<String, String> env) {
        Optional<Path> file = configFile(args, env);
        JsonNode tree = file.map(ConfigLoader::readYaml).orElse(MissingNode.getInstance());
        return new ConfigLoader(file, tree, Map.copyOf(env)).parse();
    }

    private static Optional<Path> configFile(List<String> args, Map<String, String> env) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals(CONFIG_FILE_OPTION)) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(CONFIG_FILE_OPTION, "name the YAML file after it, e.g. --config ingester.yaml");
                }
                return Optional.of(existing(CONFIG_FILE_OPTION, args.get(i + 1)));
            }
            if (arg.startsWith(CONFIG_FILE_OPTION + "=")) {
                return Optional.of(existing(CONFIG_FILE_OPTION, arg.substring(CONFIG_FILE_OPTION.length() + 1)));
            }
            throw new ConfigException(arg, "unknown argument; the only one is --config FILE");
        }
        String fromEnv = env.get(CONFIG_FILE_VARIABLE);
        return fromEnv == null || fromEnv.isBlank() ? Optional.empty() : Optional.of(existing(CONFIG_FILE_VARIABLE, fromEnv));
    }

    private static Path existing(String setting, String text) {
        Path path = path(setting, text);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(setting, "the configuration file " + path.toAbsolutePath() + " does not exist");
        }
        return path;
    }

    private static JsonNode readYaml(Path file) {
        try {
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return MissingNode.getInstance();
            }
            if (!tree.isObject()) {
                throw new ConfigException(file.toString(), "the configuration file must hold a YAML mapping at its top");
            }
            return tree;
        } catch (JacksonException e) {
            throw new ConfigException(file.toString(), "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read the configuration file: " + e.getMessage());
        }
    }

    private IngesterConfig parse() {
        checkKnownKeys();
        ServerSettings server = new ServerSettings(
                text("server.host").map(Value::text).orElse(ServerSettings.DEFAULT_HOST),
                text("server.port").map(v -> v.integer(0, 65535)).orElse(ServerSettings.DEFAULT_PORT));
        LoggingSettings logging = new LoggingSettings(
                text("logging.level").map(ConfigLoader::level).orElse("INFO"),
                text("logging.format").map(v -> v.oneOf(LoggingSettings.Format.class)).orElse(LoggingSettings.Format.TEXT),
                text("logging.file").filter(v -> !v.text().isBlank()).map(Value::path),
                text("logging.max_file_size").map(v -> v.size(1)).orElse(100L * 1024 * 1024),
                text("logging.max_history_days").map(v -> v.integer(1, 3650)).orElse(30));
        AuthSettings auth = auth();
        AdminSettings admin = new AdminSettings(text("admin.enabled_without_auth").map(Value::bool).orElse(false));
        Path dataDir = text("storage.data_dir").map(Value::path).orElse(Path.of("data"));
        ServiceAccountSettings serviceAccount = serviceAccount();
        StorageSettings storage = storage(dataDir, serviceAccount);
        UploadSettings upload = new UploadSettings(
                text("upload.max_file_size").map(v -> v.size(1)).orElse(UploadSettings.DEFAULT_MAX_FILE_BYTES),
                resumable(dataDir));
        CompressionSettings compression = new CompressionSettings(
                text("compression.enabled_by_default").map(Value::bool).orElse(false),
                text("compression.default_algorithm").map(v -> v.parsed(CompressionAlgorithm::parse))
                        .orElse(CompressionAlgorithm.BROTLI),
                text("compression.brotli_quality").map(v -> v.integer(0, 11)).orElse(CompressionSettings.DEFAULT_BROTLI_QUALITY),
                text("compression.gzip_level").map(v -> v.integer(1, 9)).orElse(CompressionSettings.DEFAULT_GZIP_LEVEL));
        // --- transfers and vector clocks ---
        InstanceSettings instance = new InstanceSettings(
                text("instance.node_id").filter(v -> !v.text().isBlank()).map(v -> v.parsed(NodeId::of)),
                text("instance.clock_participants").filter(v -> !v.text().isBlank())
                        .map(v -> v.parsed(pattern -> ClockParticipants.compile(pattern).pattern()))
                        .orElse(ClockParticipants.DEFAULT_PATTERN),
                text("instance.clock_max_entries").map(v -> v.integer(1, VectorClock.MAX_ENTRIES))
                        .orElse(InstanceSettings.DEFAULT_CLOCK_MAX_ENTRIES));
        TransferSettings transfer = transfer();
        // --- end of transfers and vector clocks ---
        SigningSettings signing = signing();
        SagaSettings sagas = sagas();
        FileRegistrySettings registry = registry(serviceAccount);
        StateSettings state = state();
        Optional<RedisSettings> redis = redis(state);
        DiscoverySettings discovery = discovery(redis, serviceAccount);
        boolean defaultsOnly = file.isEmpty() && VARIABLES.values().stream().flatMap(List::stream).noneMatch(env::containsKey);
        return new IngesterConfig(server, logging, auth, admin, storage, upload, compression, instance, transfer, signing, sagas,
                registry, audit(), alerts(), encryption(), redis, discovery, file, defaultsOnly, state);
    }

    // --- resumable uploads ---

    private ResumableSettings resumable(Path dataDir) {
        ResumableSettings defaults = ResumableSettings.defaults(dataDir);
        return new ResumableSettings(
                text("uploads.staging_dir").filter(v -> !v.text().isBlank()).map(Value::path).orElse(defaults.stagingDir()),
                text("uploads.staging_max_size").map(v -> v.size(0)).orElse(0L),
                text("uploads.expires_after").map(v -> v.duration(false)).orElse(defaults.expiresAfter()),
                text("uploads.lock_wait").map(v -> v.duration(false)).orElse(defaults.lockWait()),
                text("uploads.lock_lease").map(v -> v.duration(false)).orElse(defaults.lockLease()),
                text("uploads.sweep_interval").map(v -> v.duration(false)).orElse(defaults.sweepInterval()),
                text("uploads.cors_allowed_origins").map(v -> java.util.Arrays.stream(v.text().split(","))
                        .map(String::trim).filter(t -> !t.isEmpty()).toList()).orElse(List.of()));
    }

    // --- Redis and service discovery ---

    /**
     * A cluster when its nodes are given, else Sentinel when its hosts are, else one server; none without any. The one
     * Redis of the instance: service discovery and the shared state ({@code state: redis}) both use it; with the
     * shared state its reads outlast the wait for replicas.
     */
    private Optional<RedisSettings> redis(StateSettings state) {
        Optional<Value> cluster = text("redis.cluster_nodes").filter(v -> !v.text().isBlank());
        Optional<Value> sentinels = text("redis.sentinel_hosts").filter(v -> !v.text().isBlank());
        Optional<Value> host = text("redis.host").filter(v -> !v.text().isBlank());
        if (cluster.isEmpty() && sentinels.isEmpty() && host.isEmpty()) {
            if (state.store() == StateSettings.Store.REDIS) {
                throw new ConfigException(text("state").orElseThrow().source(), "the shared state in Redis needs Redis:"
                        + " set REDIS_HOST, REDIS_SENTINEL_HOSTS or REDIS_CLUSTER_NODES (redis.*)");
            }
            return Optional.empty();
        }
        Optional<String> password = text("redis.password").map(Value::text).filter(t -> !t.isEmpty());
        Optional<Value> db = text("redis.db");
        int database = db.map(v -> v.integer(0, 1_000_000)).orElse(0);
        boolean tls = text("redis.tls").map(Value::bool).orElse(false);
        Duration timeout = text("redis.timeout").map(v -> v.duration(false)).orElse(RedisSettings.DEFAULT_TIMEOUT);
        RedisSettings.Topology topology;
        if (cluster.isPresent()) {
            if (database != 0) {
                throw new ConfigException(db.orElseThrow().source(), "a Redis Cluster has only database 0, got " + database);
            }
            topology = new RedisSettings.Cluster(cluster.get().parsed(text -> RedisSettings.Address.parseList(text, 6379)));
        } else if (sentinels.isPresent()) {
            Value master = text("redis.sentinel_master").filter(v -> !v.text().isBlank())
                    .orElseThrow(() -> new ConfigException("REDIS_SENTINEL_MASTER (" + inFile("redis.sentinel_master") + ")",
                            "is required with " + sentinels.get().source() + ": the name of the master the sentinels watch,"
                                    + " such as mymaster"));
            topology = new RedisSettings.Sentinel(master.text().trim(),
                    sentinels.get().parsed(text -> RedisSettings.Address.parseList(text, 26379)),
                    text("redis.sentinel_password").map(Value::text).filter(t -> !t.isEmpty()));
        } else {
            int port = text("redis.port").map(v -> v.integer(1, 65535)).orElse(6379);
            topology = new RedisSettings.Standalone(host.get().parsed(text -> new RedisSettings.Address(text.trim(), port)));
        }
        RedisSettings settings = new RedisSettings(topology, password, database, tls, timeout,
                RedisSettings.DEFAULT_MASTER_RECHECK);
        return Optional.of(state.store() == StateSettings.Store.REDIS ? settings.withBlockingCalls(state.waitTimeout())
                : settings);
    }

    private DiscoverySettings discovery(Optional<RedisSettings> redis, ServiceAccountSettings account) {
        Optional<Value> enabledSetting = text("discovery.enabled");
        boolean enabled = enabledSetting.map(Value::bool).orElse(redis.isPresent());
        if (enabled && redis.isEmpty()) {
            throw new ConfigException(enabledSetting.orElseThrow().source(), "service discovery reads Redis: set REDIS_HOST,"
                    + " REDIS_SENTINEL_HOSTS or REDIS_CLUSTER_NODES (redis.*)");
        }
        Duration poll = atLeast100ms(text("discovery.poll_interval"), DiscoverySettings.DEFAULT_POLL_INTERVAL);
        Duration capacityPoll = atLeast100ms(text("discovery.capacity_poll_interval"),
                DiscoverySettings.DEFAULT_CAPACITY_POLL_INTERVAL);
        HttpElementReader http = new HttpElementReader(this::inFile, account);
        JsonNode defaultsNode = node("discovery.element_defaults");
        Optional<HttpStorageSettings> defaults;
        if (!defaultsNode.isMissingNode() && !defaultsNode.isNull()) {
            defaults = Optional.of(template(http, "discovery.element_defaults", defaultsNode));
        } else if (account.complete().isPresent()) {
            defaults = Optional.of(template(http, "discovery.element_defaults", JsonNodeFactory.instance.objectNode()));
        } else {
            defaults = Optional.empty();
        }
        Map<StorageElementId, HttpStorageSettings> perElement = new java.util.LinkedHashMap<>();
        JsonNode elements = node("discovery.elements");
        if (!elements.isMissingNode() && !elements.isNull()) {
            if (!elements.isObject()) {
                throw new ConfigException(inFile("discovery.elements"), "must map element ids to their connection settings");
            }
            for (Iterator<String> ids = elements.fieldNames(); ids.hasNext(); ) {
                String id = ids.next();
                String key = "discovery.elements." + id;
                StorageElementId elementId = new Value(id, inFile(key)).parsed(StorageElementId::of);
                perElement.put(elementId, template(http, key, elements.get(id)));
            }
        }
        return new DiscoverySettings(enabled, poll, capacityPoll, defaults, perElement);
    }

    /** Connection settings of discovered elements, read as a remote element's with what the announcement gives. */
    private HttpStorageSettings template(HttpElementReader http, String key, JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(inFile(key), "must be a mapping of connection settings (tls, pins, token,"
                    + " service_account, timeouts, breaker, retry, bulkhead, capacity_cache_ttl)");
        }
        for (String announced : List.of("id", "mode", "type", "url", "priority")) {
            if (node.has(announced)) {
                throw new ConfigException(inFile(key + "." + announced), "comes from the service discovery announcement;"
                        + " only connection settings are given here");
            }
        }
        ObjectNode filled = ((ObjectNode) node).deepCopy();
        filled.put("id", "discovered");
        filled.put("mode", DiscoverySettings.TEMPLATE_MODE.wireName());
        filled.put("url", DiscoverySettings.TEMPLATE_URL);
        return http.read(key, filled);
    }

    private static Duration atLeast100ms(Optional<Value> setting, Duration otherwise) {
        Duration duration = setting.map(v -> v.duration(false)).orElse(otherwise);
        if (duration.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException(setting.orElseThrow().source(), "must be at least 100ms, got '" + setting.get().text() + "'");
        }
        return duration;
    }

    // --- end of Redis and service discovery ---


    // --- shared state ---

    /** Files unless {@code state: redis}; then in the Redis that {@code redis.*} names (see {@link #redis}). */
    private StateSettings state() {
        StateSettings.Store store = text("state").map(v -> v.oneOf(StateSettings.Store.class)).orElse(StateSettings.Store.FILE);
        return new StateSettings(store,
                text("shared_state.wait_replicas").map(v -> v.integer(0, 16)).orElse(0),
                text("shared_state.wait_timeout").map(v -> v.duration(false)).orElse(StateSettings.DEFAULT_WAIT_TIMEOUT),
                text("shared_state.retention").map(v -> v.duration(false)).orElse(StateSettings.DEFAULT_RETENTION),
                text("shared_state.instance_lease").map(v -> v.duration(false)).orElse(StateSettings.DEFAULT_INSTANCE_LEASE));
    }

    // --- end of shared state ---

    // --- authentication and abuse limits ---

    private AuthSettings auth() {
        Optional<Value> authEnabled = text("auth.enabled");
        boolean enabled = authEnabled.map(Value::bool).orElse(false);
        Optional<Value> keyPath = text("auth.public_key_path").filter(v -> !v.text().isBlank());
        Optional<Value> jwks = text("auth.jwks_url").filter(v -> !v.text().isBlank());
        if (enabled && keyPath.isEmpty() && jwks.isEmpty()) {
            throw new ConfigException(authEnabled.orElseThrow().source(), "authentication needs the admin module's public key:"
                    + " set auth.public_key_path (AUTH_PUBLIC_KEY_PATH) to its PEM file, or auth.jwks_url (AUTH_JWKS_URL)");
        }
        keyPath.ifPresent(v -> {
            if (enabled && !Files.isReadable(v.path())) {
                throw new ConfigException(v.source(), "the public key file " + v.path().toAbsolutePath() + " cannot be read");
            }
        });
        AbuseSettings abuse = new AbuseSettings(
                text("limits.ip_requests_per_minute").map(v -> v.integer(0, 1_000_000))
                        .orElse(enabled ? AbuseSettings.DEFAULT_IP_REQUESTS_PER_MINUTE : 0),
                text("limits.subject_requests_per_minute").map(v -> v.integer(0, 1_000_000))
                        .orElse(AbuseSettings.DEFAULT_SUBJECT_REQUESTS_PER_MINUTE),
                text("limits.concurrent_uploads_per_subject").map(v -> v.integer(0, 100_000))
                        .orElse(AbuseSettings.DEFAULT_CONCURRENT_UPLOADS),
                text("limits.auth_failures_before_block").map(v -> v.integer(0, 1_000_000))
                        .orElse(AbuseSettings.DEFAULT_AUTH_FAILURES_BEFORE_BLOCK),
                text("limits.refusals_before_block").map(v -> v.integer(0, 1_000_000))
                        .orElse(AbuseSettings.DEFAULT_REFUSALS_BEFORE_BLOCK),
                text("limits.window").map(v -> v.duration(false)).orElse(AbuseSettings.DEFAULT_WINDOW),
                text("limits.block_duration").map(v -> v.duration(false)).orElse(AbuseSettings.DEFAULT_BLOCK_DURATION),
                text("limits.trusted_proxies").map(v -> v.parsed(ConfigLoader::trustedProxies)).orElse(List.of()),
                text("server.request_header_timeout").map(v -> v.duration(false)).orElse(AbuseSettings.DEFAULT_REQUEST_HEADER_TIMEOUT),
                text("server.idle_timeout").map(v -> v.duration(false)).orElse(AbuseSettings.DEFAULT_IDLE_TIMEOUT),
                text("server.max_request_header_size").map(v -> Math.toIntExact(Math.min(v.size(1024), 1024 * 1024)))
                        .orElse(AbuseSettings.DEFAULT_MAX_REQUEST_HEADER_BYTES));
        return new AuthSettings(enabled,
                keyPath.map(Value::path),
                jwks.map(HttpElementReader::httpUrl),
                text("auth.client_id").map(Value::text).filter(t -> !t.isBlank()),
                text("auth.client_secret").map(Value::text).filter(t -> !t.isBlank()),
                text("auth.leeway").map(v -> v.duration(true)).orElse(AuthSettings.DEFAULT_LEEWAY),
                text("auth.rotation_grace").map(v -> v.duration(true)).orElse(AuthSettings.DEFAULT_ROTATION_GRACE),
                text("auth.jwks_refresh_interval").map(v -> v.duration(false)).orElse(AuthSettings.DEFAULT_JWKS_REFRESH_INTERVAL),
                roles(),
                abuse);
    }

    private static List<String> trustedProxies(String text) {
        List<String> proxies = java.util.Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        proxies.forEach(io.artstore.ingester.server.security.ClientAddress::check);
        return proxies;
    }

    /**
     * In the file a mapping, role → list of permissions; in {@code INGESTER_AUTH_ROLES}
     * {@code role=permission permission;role=...}. Every permission name must be known.
     */
    private Map<String, Set<String>> roles() {
        Map<String, Set<String>> roles = new java.util.LinkedHashMap<>();
        String variable = VARIABLES.get("auth.roles").get(0);
        String fromEnv = env.get(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            for (String entry : fromEnv.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                int equals = entry.indexOf('=');
                if (equals <= 0) {
                    throw new ConfigException(variable, "each entry must be role=permission permission..., got '" + entry.trim() + "'");
                }
                roles.put(entry.substring(0, equals).trim(), permissions(variable,
                        List.of(entry.substring(equals + 1).trim().split("[\\s,]+"))));
            }
            return roles;
        }
        JsonNode node = node("auth.roles");
        if (node.isMissingNode() || node.isNull()) {
            return roles;
        }
        if (!node.isObject()) {
            throw new ConfigException(inFile("auth.roles"), "must be a mapping of role to a list of permissions");
        }
        node.properties().forEach(field -> {
            String key = "auth.roles." + field.getKey();
            List<String> names = new ArrayList<>();
            if (field.getValue().isArray()) {
                field.getValue().forEach(item -> names.add(item.asText()));
            } else if (field.getValue().isValueNode()) {
                names.addAll(List.of(field.getValue().asText().trim().split("[\\s,]+")));
            } else {
                throw new ConfigException(inFile(key), "must be a list of permissions");
            }
            roles.put(field.getKey(), permissions(inFile(key), names));
        });
        return roles;
    }

    private static Set<String> permissions(String source, List<String> names) {
        Set<String> permissions = new java.util.LinkedHashSet<>();
        for (String name : names) {
            if (name.isBlank()) {
                continue;
            }
            io.artstore.ingester.server.security.Permission permission = io.artstore.ingester.server.security.Permission.find(name)
                    .orElseThrow(() -> new ConfigException(source, "unknown permission '" + name + "'; known are "
                            + java.util.Arrays.toString(io.artstore.ingester.server.security.Permission.values())));
            permissions.add(permission.wireName());
        }
        return permissions;
    }

    // --- end of authentication and abuse limits ---

    private TransferSettings transfer() {
        Optional<Value> interval = text("transfer.recovery_interval");
        Duration recovery = interval.map(v -> v.duration(false)).orElse(TransferSettings.DEFAULT_RECOVERY_INTERVAL);
        if (recovery.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException(interval.orElseThrow().source(), "must be at least 100ms, got '" + interval.get().text() + "'");
        }
        return new TransferSettings(recovery,
                text("transfer.parallelism").map(v -> v.integer(1, TransferSettings.MAX_PARALLELISM))
                        .orElse(TransferSettings.DEFAULT_PARALLELISM));
    }

    // --- sagas and signing ---

    private SigningSettings signing() {
        Optional<Value> url = text("signing.service.url").filter(v -> !v.text().isBlank());
        Optional<String> token = text("signing.service.token").map(Value::text).filter(t -> !t.isBlank());
        if (url.isPresent() && token.isEmpty()) {
            throw new ConfigException(url.get().source(), "the signing service needs a bearer token too: set signing.service.token"
                    + " (INGESTER_SIGNING_SERVICE_TOKEN)");
        }
        return new SigningSettings(
                text("signing.default").map(Value::bool).orElse(false),
                text("signing.algorithm").map(v -> v.parsed(SignatureAlgorithm::parse)).orElse(SignatureAlgorithm.ECDSA_P256_SHA256),
                text("signing.keystore.path").filter(v -> !v.text().isBlank()).map(Value::path),
                text("signing.keystore.password").map(Value::text).filter(t -> !t.isEmpty()),
                text("signing.keystore.alias").map(Value::text).filter(t -> !t.isBlank()).orElse(SigningSettings.DEFAULT_ALIAS),
                url.map(v -> v.parsed(URI::create)),
                token);
    }

    private SagaSettings sagas() {
        return new SagaSettings(
                text("sagas.instance_id").map(Value::text).filter(t -> !t.isBlank()),
                text("sagas.lease").map(v -> v.duration(false)).orElse(SagaSettings.DEFAULT_LEASE),
                text("sagas.recovery_interval").map(v -> v.duration(false)).orElse(SagaSettings.DEFAULT_RECOVERY_INTERVAL),
                text("sagas.add_timeout").map(v -> v.duration(false)).orElse(SagaSettings.DEFAULT_ADD_TIMEOUT),
                text("sagas.delete_timeout").map(v -> v.duration(false)).orElse(SagaSettings.DEFAULT_DELETE_TIMEOUT),
                text("sagas.max_retry_wait").map(v -> v.duration(true)).orElse(SagaSettings.DEFAULT_MAX_RETRY_WAIT));
    }

    // --- end of sagas and signing ---

    // --- file registry ---

    /** On when the admin module's URL is known: {@code AUTH_ADMIN_MODULE_URL}, else the service account's. */
    private FileRegistrySettings registry(ServiceAccountSettings serviceAccount) {
        Optional<Value> own = text("registry.admin_module_url").filter(v -> !v.text().isBlank());
        Optional<URI> url = own.map(v -> HttpElementReader.httpUrl(v)).or(serviceAccount::adminModuleUrl);
        Duration retryDelay = text("registry.retry_delay").map(v -> v.duration(false)).orElse(FileRegistrySettings.OFF.retryDelay());
        Optional<Value> longest = text("registry.max_retry_delay");
        Duration maxRetryDelay = longest.map(v -> v.duration(false)).orElse(FileRegistrySettings.OFF.maxRetryDelay());
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            throw new ConfigException(longest.map(Value::source).orElse(inFile("registry.max_retry_delay")),
                    "must be at least registry.retry_delay (" + retryDelay + ")");
        }
        Duration timeout = text("registry.timeout").map(v -> v.duration(false)).orElse(FileRegistrySettings.OFF.timeout());
        if (url.isEmpty()) {
            return new FileRegistrySettings(Optional.empty(), Optional.empty(), retryDelay, maxRetryDelay, timeout);
        }
        if (serviceAccount.clientId().isEmpty() || serviceAccount.clientSecret().isEmpty()) {
            throw new ConfigException(own.map(Value::source).orElse("SERVICE_ACCOUNT_ADMIN_MODULE_URL"), "the file registry"
                    + " needs a service account: set SERVICE_ACCOUNT_CLIENT_ID and SERVICE_ACCOUNT_CLIENT_SECRET"
                    + " (service_account.client_id and client_secret)");
        }
        return new FileRegistrySettings(url, Optional.of(new HttpStorageSettings.ServiceAccount(serviceAccount.clientId().get(),
                serviceAccount.clientSecret().get(), serviceAccount.adminModuleUrl().orElse(url.get()))),
                retryDelay, maxRetryDelay, timeout);
    }

    // --- end of file registry ---

    // --- audit, alerts and encryption ---

    private AuditSettings audit() {
        AuditSettings defaults = AuditSettings.DEFAULTS;
        return new AuditSettings(
                text("audit.checkpoint_every").map(v -> v.integer(1, 1_000_000)).orElse(defaults.checkpointEvery()),
                text("audit.checkpoint_interval").map(v -> v.duration(false)).orElse(defaults.checkpointInterval()),
                text("audit.max_file_size").map(v -> v.size(1024)).orElse(defaults.maxFileBytes()));
    }

    private AlertSettings alerts() {
        AlertSettings defaults = AlertSettings.DEFAULTS;
        return new AlertSettings(threshold("alerts.mass_delete", defaults.massDelete()),
                threshold("alerts.upload_flood", defaults.uploadFlood()),
                threshold("alerts.auth_failures", defaults.authenticationFailures()));
    }

    private AlertSettings.Threshold threshold(String key, AlertSettings.Threshold defaults) {
        return new AlertSettings.Threshold(
                text(key + ".count").map(v -> v.integer(1, 1_000_000)).orElse(defaults.count()),
                text(key + ".window").map(v -> v.duration(false)).orElse(defaults.window()));
    }

    private EncryptionSettings encryption() {
        Optional<Value> enabled = text("encryption.enabled");
        Optional<Path> keysDir = text("encryption.keys_dir").filter(v -> !v.text().isBlank()).map(Value::path);
        Optional<String> keyId = text("encryption.key_id").map(Value::text).map(String::trim).filter(t -> !t.isEmpty());
        boolean on = enabled.map(Value::bool).orElse(false);
        if (on && (keysDir.isEmpty() || keyId.isEmpty())) {
            throw new ConfigException(enabled.orElseThrow().source(), "encryption needs a folder of master keys and the id of"
                    + " the one to use: set encryption.keys_dir (INGESTER_ENCRYPTION_KEYS_DIR) and encryption.key_id"
                    + " (INGESTER_ENCRYPTION_KEY_ID)");
        }
        return new EncryptionSettings(on, keysDir, keyId);
    }

    // --- end of audit, alerts and encryption ---

    private StorageSettings storage(Path dataDir, ServiceAccountSettings serviceAccount) {
        JsonNode list = node("storage.elements");
        List<StorageElementSettings> elements = new ArrayList<>();
        List<HttpStorageSettings> httpElements = new ArrayList<>();
        HttpElementReader http = new HttpElementReader(this::inFile, serviceAccount);
        if (list.isMissingNode() || list.isNull()) {
            Path root = dataDir.resolve("storage");
            elements.add(new StorageElementSettings(StorageElementId.of("local-edit"), Mode.EDIT,
                    StorageElementSettings.Type.LOCAL, root.resolve("local-edit"), StorageSettings.DEFAULT_PRIORITY, OptionalLong.empty()));
            elements.add(new StorageElementSettings(StorageElementId.of("local-rw"), Mode.RW,
                    StorageElementSettings.Type.LOCAL, root.resolve("local-rw"), StorageSettings.DEFAULT_PRIORITY, OptionalLong.empty()));
        } else {
            if (!list.isArray() || list.isEmpty()) {
                throw new ConfigException(inFile("storage.elements"), "must be a list of at least one storage element");
            }
            for (int i = 0; i < list.size(); i++) {
                String key = "storage.elements[" + i + "]";
                if (HttpElementReader.isHttp(list.get(i))) {
                    httpElements.add(http.read(key, list.get(i)));
                } else {
                    elements.add(element(key, list.get(i), dataDir));
                }
            }
        }
        try {
            return new StorageSettings(dataDir, elements, httpElements, serviceAccount,
                    text("logs.salvage").map(Value::bool).orElse(false));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(inFile("storage.elements"), e.getMessage());
        }
    }

    private StorageElementSettings element(String key, JsonNode node, Path dataDir) {
        if (!node.isObject()) {
            throw new ConfigException(inFile(key), "must be a mapping with id, mode, type, path, priority and capacity_bytes");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ELEMENT_KEYS.contains(name)) {
                throw new ConfigException(inFile(key + "." + name), "unknown setting; a storage element has " + new TreeSet<>(ELEMENT_KEYS));
            }
        }
        Value id = required(key + ".id", node.get("id"));
        StorageElementId elementId = id.parsed(StorageElementId::of);
        Mode mode = required(key + ".mode", node.get("mode")).parsed(Mode::parse);
        Optional<Value> type = optional(key + ".type", node.get("type"));
        if (type.isPresent() && !type.get().text().equalsIgnoreCase("local")) {
            throw new ConfigException(type.get().source(), "must be 'local' or 'http', got '" + type.get().text() + "'");
        }
        Path path = optional(key + ".path", node.get("path")).map(Value::path)
                .orElse(dataDir.resolve("storage").resolve(elementId.value()));
        int priority = optional(key + ".priority", node.get("priority")).map(v -> v.integer(0, Integer.MAX_VALUE))
                .orElse(StorageSettings.DEFAULT_PRIORITY);
        OptionalLong capacity = optional(key + ".capacity_bytes", node.get("capacity_bytes"))
                .map(v -> OptionalLong.of(v.size(1))).orElse(OptionalLong.empty());
        return new StorageElementSettings(elementId, mode, StorageElementSettings.Type.LOCAL, path, priority, capacity);
    }

    /** The default service account of remote storage elements; all three parts or none. */
    private ServiceAccountSettings serviceAccount() {
        Optional<Value> clientId = text("service_account.client_id").filter(v -> !v.text().isBlank());
        Optional<Value> secret = text("service_account.client_secret").filter(v -> !v.text().isBlank());
        // ArtStore's AUTH_ADMIN_MODULE_URL names the same admin module when the account's own URL is not set.
        Optional<Value> url = text("service_account.admin_module_url").filter(v -> !v.text().isBlank())
                .or(() -> text("registry.admin_module_url").filter(v -> !v.text().isBlank()).filter(v -> clientId.isPresent()
                        || secret.isPresent()));
        Optional<String> source = clientId.map(Value::source).or(() -> secret.map(Value::source)).or(() -> url.map(Value::source));
        if (source.isPresent()) {
            for (String key : List.of("service_account.client_id", "service_account.client_secret",
                    "service_account.admin_module_url")) {
                boolean given = key.equals("service_account.admin_module_url") ? url.isPresent()
                        : text(key).filter(v -> !v.text().isBlank()).isPresent();
                if (!given) {
                    throw new ConfigException(VARIABLES.get(key).get(0) + " (" + inFile(key) + ")",
                            "is required when " + source.get() + " is set: a service account needs its client id, secret"
                                    + " and the admin module's URL");
                }
            }
        }
        return new ServiceAccountSettings(clientId.map(Value::text), secret.map(Value::text),
                url.map(HttpElementReader::httpUrl), source);
    }

    private Value required(String key, JsonNode node) {
        return optional(key, node).orElseThrow(() -> new ConfigException(inFile(key), "is required"));
    }

    private Optional<Value> optional(String key, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw new ConfigException(inFile(key), "must be a single value, not a list or mapping");
        }
        return Optional.of(new Value(node.asText(), inFile(key)));
    }

    /** The variable's value if one is set, else the file's. */
    private Optional<Value> text(String key) {
        for (String variable : VARIABLES.getOrDefault(key, List.of())) {
            String value = env.get(variable);
            if (value != null) {
                return Optional.of(new Value(value.trim(), variable));
            }
        }
        return optional(key, node(key));
    }

    private JsonNode node(String key) {
        JsonNode node = tree;
        for (String part : key.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    private void checkKnownKeys() {
        if (!tree.isObject()) {
            return;
        }
        List<String> leaves = new ArrayList<>();
        collectLeaves("", tree, leaves);
        Set<String> known = new TreeSet<>(VARIABLES.keySet());
        known.addAll(FILE_ONLY_KEYS);
        for (String leaf : leaves) {
            if (!known.contains(leaf)) {
                throw new ConfigException(inFile(leaf), "unknown setting; known settings are " + known);
            }
        }
    }

    private static void collectLeaves(String prefix, JsonNode node, List<String> leaves) {
        if (node.isObject() && !FILE_ONLY_KEYS.contains(prefix)) {
            node.properties().forEach(field ->
                    collectLeaves(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), leaves));
        } else {
            leaves.add(prefix);
        }
    }

    String inFile(String key) {
        return key + file.map(path -> " (in " + path + ")").orElse("");
    }

    private static String level(Value value) {
        String level = value.text().toUpperCase(Locale.ROOT);
        String normal = switch (level) {
            case "WARNING" -> "WARN";
            case "CRITICAL", "FATAL" -> "ERROR";
            default -> level;
        };
        if (!LEVELS.contains(normal)) {
            throw new ConfigException(value.source(), "must be one of TRACE, DEBUG, INFO, WARN (WARNING), ERROR (CRITICAL), got '"
                    + value.text() + "'");
        }
        return normal;
    }

    private static Path path(String setting, String text) {
        try {
            return Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw new ConfigException(setting, "not a usable path: " + e.getMessage());
        }
    }

    /** A raw setting and where it came from. */
    record Value(String text, String source) {

        int integer(int min, int max) {
            try {
                int value = Integer.parseInt(text.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(source, "must be a whole number from " + min + " to " + max + ", got '" + text + "'");
        }

        /** Bytes, or a number with a unit: KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024). */
        long size(long min) {
            Matcher matcher = SIZE.matcher(text.trim());
            if (matcher.matches()) {
                try {
                    long number = Long.parseLong(matcher.group(1));
                    long bytes = Math.multiplyExact(number, unit(matcher.group(2)));
                    if (bytes >= min) {
                        return bytes;
                    }
                } catch (ArithmeticException | NumberFormatException e) {
                    // reported below
                }
            }
            throw new ConfigException(source, "must be a size of at least " + min
                    + " byte(s), such as 1073741824, 512MB or 10GiB, got '" + text + "'");
        }

        private static long unit(String unit) {
            if (unit == null) {
                return 1;
            }
            String u = unit.toUpperCase(Locale.ROOT);
            long base = u.contains("I") ? 1024 : 1000;
            return switch (u.charAt(0)) {
                case 'K' -> base;
                case 'M' -> base * base;
                case 'G' -> base * base * base;
                case 'T' -> base * base * base * base;
                default -> 1;
            };
        }

        /**
         * A number with a unit ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}; a bare number is seconds)
         * or an ISO-8601 duration such as {@code PT30S}; zero only where {@code zeroAllowed}.
         */
        Duration duration(boolean zeroAllowed) {
            String trimmed = text.trim();
            Matcher matcher = DURATION.matcher(trimmed);
            try {
                Duration duration;
                if (matcher.matches()) {
                    long number = Long.parseLong(matcher.group(1));
                    String unit = matcher.group(2) == null ? "s" : matcher.group(2).toLowerCase(Locale.ROOT);
                    duration = switch (unit) {
                        case "ms" -> Duration.ofMillis(number);
                        case "m" -> Duration.ofMinutes(number);
                        case "h" -> Duration.ofHours(number);
                        case "d" -> Duration.ofDays(number);
                        default -> Duration.ofSeconds(number);
                    };
                } else {
                    duration = Duration.parse(trimmed);
                }
                if (!duration.isNegative() && (zeroAllowed || !duration.isZero())) {
                    return duration;
                }
            } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(source, "must be a duration such as 500ms, 30s, 5m, 1h, 2d or PT30S (a bare number is"
                    + " seconds), " + (zeroAllowed ? "zero or more" : "more than zero") + ", got '" + text + "'");
        }

        double fraction() {
            try {
                double value = Double.parseDouble(text.trim());
                if (value >= 0 && value <= 1) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ConfigException(source, "must be a number from 0 to 1, such as 0.25, got '" + text + "'");
        }

        boolean bool() {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new ConfigException(source, "must be on/off (or true/false), got '" + text + "'");
            };
        }

        Path path() {
            return ConfigLoader.path(source, text);
        }

        <E extends Enum<E>> E oneOf(Class<E> type) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.trim())) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new ConfigException(source, "must be one of " + names + ", got '" + text + "'");
        }

        <T> T parsed(Function<String, T> parser) {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source, e.getMessage());
            }
        }
    }
}
