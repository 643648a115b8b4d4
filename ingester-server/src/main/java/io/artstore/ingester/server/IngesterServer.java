package io.artstore.ingester.server;

import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.RetryPolicy;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.service.AddFileService;
import io.artstore.ingester.core.service.ClockStampingEventPublisher;
import io.artstore.ingester.core.service.ClockStampingSagaLog;
import io.artstore.ingester.core.service.ConcurrentOperationGuard;
import io.artstore.ingester.core.service.DeleteFileSaga;
import io.artstore.ingester.core.service.DurableDeleteFileService;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.LocalClock;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.audit.SagaAudit;
import io.artstore.ingester.server.audit.SecurityMonitor;
import io.artstore.ingester.server.audit.TransferAudit;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.crypto.MasterKeys;
import io.artstore.ingester.server.http.ContentRoutes;
import io.artstore.ingester.server.http.OriginalContent;
import io.artstore.ingester.storage.audit.AuditLogSettings;
import io.artstore.ingester.storage.audit.FileAuditTrail;
import io.artstore.ingester.storage.crypto.EnvelopeEncryption;
import io.artstore.ingester.storage.crypto.Keyring;
import io.artstore.ingester.server.config.FileRegistrySettings;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.config.SagaSettings;
import io.artstore.ingester.server.config.StorageElementSettings;
import io.artstore.ingester.server.discovery.DiscoveredStorageElements;
import io.artstore.ingester.server.http.BlockRoutes;
import io.artstore.ingester.server.http.CircuitBreakers;
import io.artstore.ingester.server.http.FileRoutes;
import io.artstore.ingester.server.http.HealthRoutes;
import io.artstore.ingester.server.http.HttpApi;
import io.artstore.ingester.server.http.SagaRoutes;
import io.artstore.ingester.server.http.ServiceInfo;
import io.artstore.ingester.server.http.SignatureRoutes;
import io.artstore.ingester.server.http.StatusReport;
import io.artstore.ingester.server.http.StatusRoutes;
import io.artstore.ingester.server.http.TlsFailures;
import io.artstore.ingester.server.http.TokenRoutes;
import io.artstore.ingester.server.http.TransferRoutes;
import io.artstore.ingester.server.http.TusRoutes;
import io.artstore.ingester.server.config.ResumableSettings;
import io.artstore.ingester.server.upload.ResumableUploads;
import io.artstore.ingester.server.upload.StagingArea;
import io.artstore.ingester.server.http.UploadRoutes;
import io.artstore.ingester.server.http.VectorClockHeader;
import io.artstore.ingester.server.saga.BlockingSleeper;
import io.artstore.ingester.server.saga.SagaMonitor;
import io.artstore.ingester.server.saga.SagaRecovery;
import io.artstore.ingester.server.security.Security;
import io.artstore.ingester.server.audit.AuditedSecurityEvents;
import io.artstore.ingester.server.signing.BouncyCastleSignatureVerifier;
import io.artstore.ingester.server.signing.Signers;
import io.artstore.ingester.server.transfer.NodeIdentity;
import io.artstore.ingester.server.transfer.TransferRunner;
import io.artstore.ingester.storage.codec.BrotliCodec;
import io.artstore.ingester.storage.fs.Fsync;
import io.artstore.ingester.storage.embedded.JsonLinesEventPublisher;
import io.artstore.ingester.storage.embedded.LogOptions;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.fs.FolderInUseException;
import io.artstore.ingester.storage.fs.FolderLock;
import io.artstore.ingester.storage.http.HttpStorageElement;
import io.artstore.ingester.storage.http.SharedHttpConnections;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import io.artstore.ingester.storage.registry.AdminFileRegistry;
import io.artstore.ingester.storage.registry.RegistrySettings;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.capacity.CapacityMonitor;
import io.artstore.ingester.redis.discovery.RedisServiceDiscovery;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the embedded adapters, the core's services and the HTTP API from one
 * configuration, by hand. {@link #start()} opens the port; {@link #stop()} closes it, the event log and the
 * connections to remote storage elements.
 */
public final class IngesterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngesterServer.class);
    /** In the data folder; held by the running instance. */
    static final String DATA_LOCK_FILE = "ingester.lock";
    private static final Duration CAPACITY_LOCK_TTL = Duration.ofSeconds(30);

    private final IngesterConfig config;
    private final JsonLinesEventPublisher events;
    private final StateStores state;
    private final TransferRunner transfers;
    private final SharedHttpConnections connections;
    private final SagaRecovery recovery;
    private final Optional<AdminFileRegistry> registry;
    private final FileAuditTrail auditTrail;
    private final SecurityMonitor alerts;
    private final Javalin http;
    private final ResumableUploads resumable;
    private final List<FolderLock> folderLocks;
    /** Redis, service discovery and capacity polling, when Redis is configured; closed last first. */
    private final List<AutoCloseable> redisParts;
    private boolean started;

    public IngesterServer(IngesterConfig config) {
        this(config, Clock.systemUTC());
    }

    public IngesterServer(IngesterConfig config, Clock clock) {
        this(config, clock, Decorators.NONE);
    }

    /**
     * Wraps adapters as the composition root wires them. Production wires none; tests wire their own to add
     * synchronisation and crash points, so that no test switch lives in the configuration.
     *
     * @param transactionLog wraps the transfer log that the transfer coordinator writes to
     * @param storageElement wraps each storage element, local or remote, as the core sees it
     * @param logFsync forces the saga log and the event log to disk (their group commits), e.g. counted or held
     */
    public record Decorators(UnaryOperator<TransactionLog> transactionLog, UnaryOperator<StorageElement> storageElement,
            Fsync logFsync) {

        public static final Decorators NONE = new Decorators(UnaryOperator.identity(), UnaryOperator.identity());

        public Decorators {
            Objects.requireNonNull(transactionLog, "transactionLog");
            Objects.requireNonNull(storageElement, "storageElement");
            Objects.requireNonNull(logFsync, "logFsync");
        }

        public Decorators(UnaryOperator<TransactionLog> transactionLog, UnaryOperator<StorageElement> storageElement) {
            this(transactionLog, storageElement, Fsync.REAL);
        }
    }

    /**
     * Takes the folder locks first; {@link #stop()} releases them. A constructor that fails after taking them keeps
     * them until the process ends, as {@link Main} ends it then.
     *
     * @throws FolderInUseException another process (or server) holds the data folder or a local storage element's
     *     folder; nothing was changed in them
     */
    public IngesterServer(IngesterConfig config, Clock clock, Decorators decorators) {
        // The locks come first: before them, nothing may clear the spool, .tmp or orphans of a running instance.
        this(config, clock, decorators, lockFolders(config));
    }

    private IngesterServer(IngesterConfig config, Clock clock, Decorators decorators, List<FolderLock> folderLocks) {
        this.config = config;
        this.folderLocks = folderLocks;
        List<AutoCloseable> redisParts = new ArrayList<>();
        this.redisParts = redisParts;
        // What the constructor opened before a failure, closed again with the locks.
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Path spool = config.storage().spoolDir();
            createFolders(config.storage().catalogDir(), config.storage().eventsFile().getParent(), spool,
                    config.storage().sagasDir(), config.storage().locksDir());
            UploadRoutes.clearSpool(spool);
            // --- audit, alerts and encryption ---
            this.auditTrail = FileAuditTrail.open(AuditLogSettings.in(config.storage().dataDir()).with(
                    config.audit().checkpointEvery(), config.audit().checkpointInterval(), config.audit().maxFileBytes()), clock);
            opened.add(auditTrail);
            this.alerts = SecurityMonitor.open(config.alerts(), config.storage().dataDir().resolve("alerts"), clock);
            opened.add(alerts);
            Auditor auditor = new Auditor(auditTrail, alerts, clock);
            Optional<Keyring> masterKeys = MasterKeys.load(config.encryption());
            Optional<ContentEncryption> keyring = masterKeys.map(EnvelopeEncryption::new);
            Optional<ContentEncryption> encryption = config.encryption().enabled() ? keyring : Optional.empty();
            masterKeys.filter(keys -> config.encryption().enabled()).ifPresent(keys -> LOG.info(
                    "stored content is encrypted (AES-256-GCM) under master key {}; keys known: {}", keys.activeId(), keys.ids()));
            // --- end of audit, alerts and encryption ---

            List<StorageElement> elementList = new ArrayList<>(config.storage().elements().stream()
                    .<StorageElement>map(element -> decorators.storageElement().apply(
                            LocalStorageElement.open(localSettings(element), clock)))
                    .toList());
            // --- Remote storage elements: all share one connection pool, closed on stop.
            this.connections = SharedHttpConnections.open();
            Map<StorageElementId, HttpStorageElement> remote = new LinkedHashMap<>();
            try {
                config.storage().httpElements().forEach(settings -> remote.put(settings.id(), connections.element(settings)));
            } catch (RuntimeException e) {
                connections.close();
                throw e;
            }
            remote.values().forEach(element -> elementList.add(decorators.storageElement().apply(element)));
            CircuitBreakers breakers = id -> Optional.ofNullable(remote.get(id)).map(HttpStorageElement::breakerStatus);
            TlsFailures tlsFailures = () -> {
                Map<StorageElementId, HttpStorageElement.TlsFailure> failures = new LinkedHashMap<>();
                remote.forEach((id, element) -> element.tlsFailure().ifPresent(failure -> failures.put(id, failure)));
                return failures;
            };
            // --- End of remote storage elements.
            // --- Service discovery: the configured elements, then those that the admin module announces in Redis.
            Optional<RedisConnections> redis = config.redis().map(RedisConnections::open);
            redis.ifPresent(redisParts::add);
            Optional<RedisServiceDiscovery> discovery = config.discovery().enabled()
                    ? redis.map(connections -> RedisServiceDiscovery.start(connections, discoverySettings(config), clock))
                    : Optional.empty();
            discovery.ifPresent(redisParts::add);
            Optional<DiscoveredStorageElements> discovered = discovery.map(announcer -> new DiscoveredStorageElements(
                    elementList, announcer, announced -> connections.element(config.discovery().settingsOf(announced)),
                    decorators.storageElement()));
            StorageElements elements = discovered.<StorageElements>map(d -> d)
                    .orElseGet(() -> new StaticStorageElements(elementList));
            CircuitBreakers configuredBreakers = breakers;
            breakers = id -> configuredBreakers.of(id).or(() -> discovered
                    .flatMap(d -> Optional.ofNullable(d.remote().get(id))).map(HttpStorageElement::breakerStatus));
            TlsFailures configuredTls = tlsFailures;
            tlsFailures = () -> {
                Map<StorageElementId, HttpStorageElement.TlsFailure> failures = new LinkedHashMap<>(configuredTls.now());
                discovered.ifPresent(d -> d.remote().forEach((id, element) -> element.tlsFailure()
                        .ifPresent(failure -> failures.put(id, failure))));
                return failures;
            };
            // --- End of service discovery.
            LogOptions logOptions = LogOptions.DEFAULT.withSalvage(config.storage().salvageLogs());
            this.events = JsonLinesEventPublisher.open(config.storage().eventsFile(), logOptions, decorators.logFsync());
            NodeId node = NodeIdentity.resolve(config.instance().nodeId(), config.storage().nodeIdFile());
            // One name for this instance: its node id in vector clocks is its owner id in the saga log.
            String instanceId = config.sagas().instanceId().orElse(node.value());
            // --- shared state: files in the data folder, or Redis (state: redis) ---
            this.state = StateStores.open(config, instanceId, logOptions, events, decorators.logFsync(), redis, clock);
            FileCatalog catalog = state.catalog();
            CapacityReservations reservations = state.reservations();

            // --- transfers and vector clocks: stores, this instance's clock, events stamped with it ---
            Locks locks = state.locks();
            TransactionLog transactionLog = state.transactionLog();
            ClockParticipants participants = ClockParticipants.of(node, config.instance().clockParticipants());
            LocalClock localClock = new LocalClock(node, state.clockSync(), ClockPruning.DEFAULT, participants);
            if (localClock.current().get(node) == VectorClock.MAX_COUNTER) {
                LOG.warn("the vector clock counter of node {} is at its largest value, {}, and can no longer grow, so events of"
                        + " this instance are no longer ordered among themselves; give the instance a new instance.node_id"
                        + " (INGESTER_NODE_ID) to count afresh", node, VectorClock.MAX_COUNTER);
            }
            FileClocks fileClocks = state.fileClocks();
            EventPublisher stampedEvents = new ClockStampingEventPublisher(events, localClock, fileClocks);
            LOG.info("node id {} in vector clocks, at {}", node, localClock.current().toText());
            // --- end of transfers and vector clocks ---

            StorageElementSelector selector = new StorageElementSelector(elements, reservations,
                    StorageElementSelector.DEFAULT_GROWTH_STEP);
            FileLocator locator = new FileLocator(catalog, elements);
            Map<CompressionAlgorithm, Codec> codecs = codecs(config.compression());

            // --- sagas and signing ---
            SagaSettings sagaSettings = config.sagas();
            SagaLog sagaLog = state.sagaLog();
            SagaLog stampedSagaLog = new ClockStampingSagaLog(sagaLog, localClock);
            // One instance of a cluster polls each discovered element; the others read what it shares.
            if (discovered.isPresent() && redis.isPresent()) {
                Duration every = config.discovery().capacityPollInterval();
                // The lock outlives a slow round over many elements (30 s, as ArtStore's), renewed every round.
                Duration lockTtl = every.multipliedBy(3).compareTo(CAPACITY_LOCK_TTL) > 0 ? every.multipliedBy(3) : CAPACITY_LOCK_TTL;
                CapacityMonitor monitor = CapacityMonitor.start(redis.get(), discovered.get()::polled,
                        new CapacityMonitor.Settings(instanceId, every, lockTtl, every.multipliedBy(3)), clock);
                redisParts.add(monitor);
                discovered.get().useSharedCapacity(monitor);
            }
            this.registry = startRegistry(config, clock);
            FileRegistry fileRegistry = registry.<FileRegistry>map(r -> r).orElse(FileRegistry.none());
            AddFileSaga addSaga = new AddFileSaga(elements, catalog, stampedEvents, clock,
                    new AddFileSaga.Settings(sagaSettings.addTimeout(), RetryPolicy.DEFAULT), fileRegistry);
            DeleteFileSaga deleteSaga = new DeleteFileSaga(elements, catalog, stampedEvents, locks, clock,
                    new DeleteFileSaga.Settings(sagaSettings.deleteTimeout(), RetryPolicy.DEFAULT), fileRegistry);
            List<SagaDefinition<?>> definitions = List.of(addSaga.definition(), deleteSaga.definition());
            // Recovery also reads add sagas left unfinished by a release that logged them in an earlier step layout.
            List<SagaDefinition<?>> recoverable = new ArrayList<>(definitions);
            recoverable.addAll(addSaga.earlierDefinitions());
            SagaMonitor monitor = new SagaMonitor(recoverable);
            SagaOrchestrator orchestrator = new SagaOrchestrator(stampedSagaLog, recoverable, new SagaEngine(JitterSource.hashed()),
                    new SagaOrchestrator.Settings(instanceId, sagaSettings.lease(), sagaSettings.maxRetryWait()),
                    clock, BlockingSleeper.INSTANCE, new SagaAudit(monitor, auditor));
            this.recovery = new SagaRecovery(orchestrator, sagaSettings.recoveryInterval());
            Signer signer = Signers.create(config.signing(), config.storage().dataDir(), clock);
            AddFileService addFile = new AddFileService(selector, addSaga, orchestrator, codecs, Optional.of(signer), clock,
                    config.upload().maxFileBytes(), encryption, alerts);
            DeleteFileUseCase deleteFile = new DurableDeleteFileService(locator, deleteSaga, orchestrator);
            SagaRoutes sagaRoutes = new SagaRoutes(sagaLog, orchestrator, recoverable);
            SignatureRoutes signatureRoutes = new SignatureRoutes(locator, elements, codecs, new BouncyCastleSignatureVerifier(),
                    keyring);
            // --- end of sagas and signing ---

            // --- transfers and vector clocks: deletes and transfers exclude each other through the file's lock ---
            TransferCoordinator coordinator = new TransferCoordinator(locator, elements, selector, catalog, stampedEvents,
                    decorators.transactionLog().apply(transactionLog), locks, clock, fileRegistry);
            this.transfers = new TransferRunner(coordinator, transactionLog, locks, config.transfer())
                    .onEnded(status -> auditor.record(TransferAudit.of(status)));
            ConcurrentOperationGuard guard = new ConcurrentOperationGuard(fileClocks, participants);
            // --- end of transfers and vector clocks ---

            ServiceInfo service = new ServiceInfo(version(), instanceId, clock.instant());
            StatusReport report = new StatusReport(elements, reservations, service, config.describe(),
                    config.auth().enabled(), clock, breakers, transfers::counts, () -> monitor.status(sagaLog), tlsFailures)
                    .withRegistry(() -> registry.map(AdminFileRegistry::status))
                    .withDiscovery(() -> discovery.map(announcer -> announcer.current().status()));
            // --- resumable uploads: sessions in the state store, bytes in the (shared) staging folder ---
            ResumableSettings resumableSettings = config.upload().resumable();
            this.resumable = new ResumableUploads(state.uploadSessions(), new StagingArea(resumableSettings.stagingDir()),
                    reservations, resumableSettings, config.upload().maxFileBytes(), instanceId, clock,
                    TusRoutes.completion(addFile, config.compression(), config.signing().signByDefault()));
            TusRoutes tusRoutes = new TusRoutes(resumable, addFile, selector, config.upload().maxFileBytes(),
                    config.compression(), config.signing().signByDefault());
            report.withUploads(tusRoutes::statusSection);
            // --- end of resumable uploads ---
            // --- authentication, authorization and abuse limits ---
            Security security = Security.build(config.auth(), config.admin().enabledWithoutAuth(),
                    config.storage().dataDir().resolve("security"), catalog::find, new AuditedSecurityEvents(auditor), clock,
                    state.blocks(), state.tokenUses());
            // --- end of authentication, authorization and abuse limits ---
            this.http = HttpApi.create(config.server(),
                    new UploadRoutes(addFile, config.upload().maxFileBytes(), config.compression(), spool,
                            config.signing().signByDefault()),
                    new FileRoutes(locator, deleteFile),
                    new HealthRoutes(report, clock),
                    new StatusRoutes(report),
                    new VectorClockHeader(localClock, guard, config.instance().clockMaxEntries()),
                    new TransferRoutes(transfers, guard, catalog, fileRegistry),
                    sagaRoutes,
                    signatureRoutes,
                    security.access(),
                    security.signingKey().map(key -> new TokenRoutes(key, clock)),
                    new BlockRoutes(security.blocks()),
                    config.auth().abuse(),
                    new ContentRoutes(locator, elements, new OriginalContent(codecs, keyring)),
                    auditor,
                    tusRoutes);
        } catch (RuntimeException | Error e) {
            // A start that fails (a damaged log, a bad element) leaves the folders free for the next attempt.
            closeRedisParts(redisParts);
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            folderLocks.forEach(FolderLock::close);
            throw e;
        }
    }

    /**
     * Finishes what transfers a previous run left unfinished, then opens the port and starts the recovery sweeps
     * (the saga sweep's first run is at once).
     */
    public synchronized IngesterServer start() {
        transfers.recoverAtStartup();
        http.start();
        transfers.startSweeping();
        recovery.start();
        resumable.start();
        started = true;
        LOG.atInfo().setMessage("listening on http://{}:{}")
                .addArgument(config.server().host()).addArgument(http.port())
                .addKeyValue("host", config.server().host()).addKeyValue("port", http.port())
                .log();
        return this;
    }

    /** The port listened on; the chosen one when the configuration said 0. */
    public int port() {
        return http.port();
    }

    public IngesterConfig config() {
        return config;
    }

    public synchronized void stop() {
        recovery.close();
        resumable.close();
        if (started) {
            http.stop();
            started = false;
        }
        transfers.close();
        state.close();
        try {
            events.close();
        } catch (Exception e) {
            LOG.warn("closing the event log failed: {}", e.getMessage(), e);
        }
        registry.ifPresent(AdminFileRegistry::close);
        closeRedisParts(redisParts);
        auditTrail.close();
        alerts.close();
        connections.close();
        folderLocks.forEach(FolderLock::close);
    }

    /** The capacity monitor first (it frees its locks), then discovery, then the connections they use. */
    private static void closeRedisParts(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", parts.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        parts.clear();
    }

    private static RedisServiceDiscovery.Settings discoverySettings(IngesterConfig config) {
        return new RedisServiceDiscovery.Settings(config.discovery().pollInterval(),
                config.storage().dataDir().resolve("discovery").resolve("storage-elements.json"), 3, Duration.ofSeconds(5),
                Duration.ofSeconds(1));
    }

    /** The connections of the remote storage elements; closed once the server stopped. */
    SharedHttpConnections remoteConnections() {
        return connections;
    }

    @Override
    public void close() {
        stop();
    }

    /** The data folder and each local storage element's folder, locked for this instance; all or none. */
    private static List<FolderLock> lockFolders(IngesterConfig config) {
        List<FolderLock> held = new ArrayList<>();
        try {
            held.add(FolderLock.acquire(config.storage().dataDir(), DATA_LOCK_FILE, "the data folder (storage.data_dir)"));
            for (StorageElementSettings element : config.storage().elements()) {
                held.add(FolderLock.acquire(element.path(), LocalStorageElement.LOCK_FILE,
                        "the folder of storage element " + element.id()));
            }
        } catch (RuntimeException e) {
            held.forEach(FolderLock::close);
            throw e;
        }
        return List.copyOf(held);
    }

    /** The file registry's outbox and relay, when an admin module is configured; its calls wait in the data folder. */
    private static Optional<AdminFileRegistry> startRegistry(IngesterConfig config, Clock clock) {
        FileRegistrySettings settings = config.registry();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        RegistrySettings registry = new RegistrySettings(settings.adminModuleUrl().orElseThrow(), settings.account().orElseThrow(),
                config.storage().dataDir().resolve("registry"), settings.retryDelay(), settings.maxRetryDelay(), settings.timeout());
        LOG.info("registering files in the admin module at {}", registry.adminModuleUrl());
        return Optional.of(AdminFileRegistry.start(registry, clock));
    }

    private static LocalStorageSettings localSettings(StorageElementSettings element) {
        return new LocalStorageSettings(element.id(), element.mode(), element.path(), element.priority(), element.capacityBytes());
    }

    private static Map<CompressionAlgorithm, Codec> codecs(CompressionSettings settings) {
        Map<CompressionAlgorithm, Codec> codecs = new EnumMap<>(CompressionAlgorithm.class);
        codecs.put(CompressionAlgorithm.GZIP, new GzipCodec(settings.gzipLevel()));
        if (BrotliCodec.available()) {
            codecs.put(CompressionAlgorithm.BROTLI, new BrotliCodec(settings.brotliQuality()));
        } else {
            LOG.warn("the Brotli library cannot load on this platform; uploads can be compressed with gzip only");
        }
        return codecs;
    }

    private static void createFolders(Path... folders) {
        for (Path folder : folders) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the folder " + folder.toAbsolutePath(), e);
            }
        }
    }

    static String version() {
        try (InputStream in = IngesterServer.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
