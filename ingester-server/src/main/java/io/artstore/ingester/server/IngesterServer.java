package io.artstore.ingester.server;

import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.OutboxStatus;
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
import io.artstore.ingester.core.service.OutboxEventPublisher;
import io.artstore.ingester.core.service.TraceStampingEventPublisher;
import io.artstore.ingester.core.service.ClockStampingSagaLog;
import io.artstore.ingester.core.service.ConcurrentOperationGuard;
import io.artstore.ingester.core.service.DeleteFileSaga;
import io.artstore.ingester.core.participant.DeleteFileOperation;
import io.artstore.ingester.core.participant.SagaParticipant;
import io.artstore.ingester.core.participant.TransferFileOperation;
import io.artstore.ingester.core.service.DurableDeleteFileService;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.LocalClock;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.audit.SagaAudit;
import io.artstore.ingester.server.audit.SecurityMonitor;
import io.artstore.ingester.server.audit.TransferAudit;
import io.artstore.ingester.server.events.KafkaEvents;
import io.artstore.ingester.server.events.OutboxAdmission;
import io.artstore.ingester.server.events.Relay;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.config.StateSettings;
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
import io.artstore.ingester.server.http.ParticipantRoutes;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.artstore.ingester.core.tasks.CatalogueRebuild;
import io.artstore.ingester.core.tasks.CompressFile;
import io.artstore.ingester.core.tasks.CompressFileSaga;
import io.artstore.ingester.core.tasks.SignFile;
import io.artstore.ingester.core.tasks.TaskRunner;
import io.artstore.ingester.kafka.KafkaSettings;
import io.artstore.ingester.kafka.participant.KafkaParticipantSettings;
import io.artstore.ingester.kafka.participant.KafkaSagaParticipant;
import io.artstore.ingester.kafka.tasks.KafkaTaskQueue;
import io.artstore.ingester.kafka.tasks.KafkaTaskSettings;
import io.artstore.ingester.kafka.tasks.KafkaTaskWorker;
import io.artstore.ingester.server.http.TaskRoutes;
import io.artstore.ingester.storage.tasks.FileTaskQueue;
import io.artstore.ingester.storage.tasks.LocalTaskExecutor;
import org.apache.kafka.clients.CommonClientConfigs;
import io.artstore.ingester.server.http.SagaRoutes;
import io.artstore.ingester.server.http.ServiceInfo;
import io.artstore.ingester.server.http.SignatureRoutes;
import io.artstore.ingester.server.http.ActivitySamples;
import io.artstore.ingester.server.http.RecentSagas;
import io.artstore.ingester.server.http.RecentTransfers;
import io.artstore.ingester.server.http.StatusActivity;
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
import io.artstore.ingester.server.metrics.AccessMetrics;
import io.artstore.ingester.server.metrics.ElementMetrics;
import io.artstore.ingester.server.metrics.InstanceMeters;
import io.artstore.ingester.server.metrics.Metrics;
import io.artstore.ingester.server.metrics.MetricsRoutes;
import io.artstore.ingester.server.metrics.SagaMetrics;
import io.artstore.ingester.server.metrics.TimedStorageElement;
import io.artstore.ingester.server.observe.OtelTracing;
import io.artstore.ingester.server.observe.StageWatch;
import io.artstore.ingester.server.observe.Telemetry;
import io.artstore.ingester.server.observe.TracedSteps;
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
import io.artstore.ingester.redis.state.RedisEventOutbox;
import io.artstore.ingester.redis.state.RedisState;
import io.artstore.ingester.storage.embedded.FileEventOutbox;
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
import java.util.Set;
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
    /** How many recent sagas and transfers the status page lists. */
    private static final int RECENT_SHOWN = 10;

    private final IngesterConfig config;
    private final JsonLinesEventPublisher events;
    private final StateStores state;
    private final TransferRunner transfers;
    private final SagaParticipant participant;
    private final TaskQueue taskQueue;
    private final TaskRunner taskRunner;
    /** The participant's consumer and the task workers, while started. */
    private final List<AutoCloseable> workers = new ArrayList<>();
    /** The participant's command consumer while started with Kafka, for its lag. */
    private volatile Optional<KafkaSagaParticipant> commandConsumer = Optional.empty();
    private final SharedHttpConnections connections;
    private final SagaRecovery recovery;
    private final Optional<AdminFileRegistry> registry;
    private final FileAuditTrail auditTrail;
    private final SecurityMonitor alerts;
    private final Metrics metrics;
    /** File events waiting for Kafka, and what sends them there, when Kafka is configured. */
    private final Optional<EventOutbox> outbox;
    private final Optional<KafkaEvents> kafka;
    private final Telemetry telemetry;
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
        this(config, clock, decorators, lockFolders(config), Optional.empty());
    }

    /**
     * With the OpenTelemetry SDK given rather than configured, e.g. one that exports to memory in a test; the server
     * closes it on stop.
     */
    public IngesterServer(IngesterConfig config, Clock clock, Decorators decorators, Telemetry telemetry) {
        this(config, clock, decorators, lockFolders(config), Optional.of(telemetry));
    }

    private IngesterServer(IngesterConfig config, Clock clock, Decorators decorators, List<FolderLock> folderLocks,
            Optional<Telemetry> givenTelemetry) {
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
            this.alerts = SecurityMonitor.open(config.alerts(), config.detection(), config.storage().dataDir().resolve("alerts"),
                    clock);
            opened.add(alerts);
            // --- traces and detection: spans through the core's port; slow stages raise alerts on the one channel ---
            this.telemetry = givenTelemetry.orElseGet(() -> Telemetry.configured(config.tracing()));
            opened.add(telemetry);
            OtelTracing tracing = new OtelTracing(telemetry, new StageWatch(config.detection(), alerts, clock));
            // --- end of traces and detection ---
            Auditor auditor = new Auditor(auditTrail, alerts, clock);
            Optional<Keyring> masterKeys = MasterKeys.load(config.encryption());
            Optional<ContentEncryption> keyring = masterKeys.map(EnvelopeEncryption::new);
            Optional<ContentEncryption> encryption = config.encryption().enabled() ? keyring : Optional.empty();
            masterKeys.filter(keys -> config.encryption().enabled()).ifPresent(keys -> LOG.info(
                    "stored content is encrypted (AES-256-GCM) under master key {}; keys known: {}", keys.activeId(), keys.ids()));
            // --- end of audit, alerts and encryption ---
            // --- metrics: remote elements' calls timed; sagas, access decisions and operations counted ---
            this.metrics = Metrics.create(config.metrics(), clock);
            opened.add(metrics);
            Metrics meters = metrics;
            UnaryOperator<StorageElement> timedRemote = element -> new TimedStorageElement(
                    decorators.storageElement().apply(element), meters);
            // --- end of metrics ---

            List<StorageElement> elementList = new ArrayList<>(config.storage().elements().stream()
                    .<StorageElement>map(element -> decorators.storageElement().apply(
                            LocalStorageElement.open(localSettings(element), clock)))
                    .toList());
            // --- Remote storage elements: all share one connection pool, closed on stop.
            this.connections = SharedHttpConnections.open(tracing);
            Map<StorageElementId, HttpStorageElement> remote = new LinkedHashMap<>();
            try {
                config.storage().httpElements().forEach(settings -> remote.put(settings.id(), connections.element(settings)));
            } catch (RuntimeException e) {
                connections.close();
                throw e;
            }
            remote.values().forEach(element -> elementList.add(timedRemote.apply(element)));
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
                    timedRemote));
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
            // --- Kafka: events go through the outbox, which a relay empties into the topic ---
            this.outbox = config.events().kafka().map(kafkaSettings -> openOutbox(config, redis, instanceId));
            outbox.filter(AutoCloseable.class::isInstance).ifPresent(o -> opened.add((AutoCloseable) o));
            EventPublisher published = new TraceStampingEventPublisher(
                    outbox.<EventPublisher>map(o -> new OutboxEventPublisher(o, events, clock)).orElse(events), tracing);
            // --- end of Kafka ---
            EventPublisher stampedEvents = new ClockStampingEventPublisher(published, localClock, fileClocks);
            LOG.info("node id {} in vector clocks, at {}", node, localClock.current().toText());
            // --- end of transfers and vector clocks ---

            StorageElementSelector selector = new StorageElementSelector(elements, reservations,
                    StorageElementSelector.DEFAULT_GROWTH_STEP, tracing);
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
                    new AddFileSaga.Settings(sagaSettings.addTimeout(), RetryPolicy.DEFAULT), fileRegistry)
                    .intercepted(new TracedSteps<>(tracing, AddFileSaga.TYPE, Map.of(AddFileSaga.RECORD_IN_CATALOGUE, "catalogue",
                            AddFileSaga.PUBLISH_FILE_ADDED, "publish")));
            DeleteFileSaga deleteSaga = new DeleteFileSaga(elements, catalog, stampedEvents, locks, clock,
                    new DeleteFileSaga.Settings(sagaSettings.deleteTimeout(), RetryPolicy.DEFAULT), fileRegistry)
                    .intercepted(new TracedSteps<>(tracing, DeleteFileSaga.TYPE, Map.of()));
            OriginalContent originals = new OriginalContent(codecs, keyring);
            CompressFileSaga compressSaga = new CompressFileSaga(elements, catalog, stampedEvents, locks, codecs, encryption,
                    originals::open, clock);
            List<SagaDefinition<?>> definitions = List.of(addSaga.definition(), deleteSaga.definition(),
                    compressSaga.definition());
            // Recovery also reads add sagas left unfinished by a release that logged them in an earlier step layout.
            List<SagaDefinition<?>> recoverable = new ArrayList<>(definitions);
            recoverable.addAll(addSaga.earlierDefinitions());
            SagaMonitor monitor = new SagaMonitor(recoverable);
            RecentSagas recentSagas = new RecentSagas(monitor, recoverable, RECENT_SHOWN);
            SagaOrchestrator orchestrator = new SagaOrchestrator(stampedSagaLog, recoverable, new SagaEngine(JitterSource.hashed()),
                    new SagaOrchestrator.Settings(instanceId, sagaSettings.lease(), sagaSettings.maxRetryWait()),
                    clock, BlockingSleeper.INSTANCE, new SagaAudit(new SagaMetrics(recentSagas, metrics), auditor), tracing);
            this.recovery = new SagaRecovery(orchestrator, sagaSettings.recoveryInterval());
            Signer signer = Signers.create(config.signing(), config.storage().dataDir(), clock);
            AddFileService addFile = new AddFileService(selector, addSaga, orchestrator, codecs, Optional.of(signer), clock,
                    config.upload().maxFileBytes(), encryption, alerts, tracing);
            DurableDeleteFileService deleteFile = new DurableDeleteFileService(locator, deleteSaga, orchestrator);
            SagaRoutes sagaRoutes = new SagaRoutes(sagaLog, orchestrator, recoverable);
            SignatureRoutes signatureRoutes = new SignatureRoutes(locator, elements, codecs, new BouncyCastleSignatureVerifier(),
                    keyring);
            // --- end of sagas and signing ---

            // --- transfers and vector clocks: deletes and transfers exclude each other through the file's lock ---
            TransferCoordinator coordinator = new TransferCoordinator(locator, elements, selector, catalog, stampedEvents,
                    decorators.transactionLog().apply(transactionLog), locks, clock, fileRegistry, tracing);
            RecentTransfers recentTransfers = new RecentTransfers(transactionLog::unfinished, coordinator::status, RECENT_SHOWN);
            this.transfers = new TransferRunner(coordinator, transactionLog, locks, config.transfer())
                    .onEnded(status -> {
                        auditor.record(TransferAudit.of(status));
                        recentTransfers.ended(status);
                    });
            ConcurrentOperationGuard guard = new ConcurrentOperationGuard(fileClocks, participants);
            // --- end of transfers and vector clocks ---

            // --- saga participant: a coordinator's deletes and transfers, each run once ---
            this.participant = new SagaParticipant(state.idempotency(), List.of(new DeleteFileOperation(deleteFile, sagaLog),
                    new TransferFileOperation(coordinator)), localClock, instanceId, sagaSettings.lease(), clock);
            sagaRoutes.withParticipant(new ParticipantRoutes(participant));
            // --- end of saga participant ---

            // --- background tasks: a durable queue in the data folder, or a Kafka topic shared by the instances ---
            this.taskRunner = new TaskRunner(List.of(new CatalogueRebuild(elements, catalog),
                    new CompressFile(catalog, compressSaga, orchestrator),
                    new SignFile(elements, catalog, stampedEvents, locks, signer, originals::open, clock)));
            Optional<KafkaSettings> kafkaWork = config.events().kafka();
            this.taskQueue = kafkaWork.<TaskQueue>map(k -> new KafkaTaskQueue(new KafkaTaskSettings(k.bootstrapServers(),
                            clientProperties(k), config.work().tasksTopic(), KafkaTaskSettings.DEFAULT_GROUP_ID,
                            KafkaTaskSettings.DEFAULT_RETRY_DELAY)))
                    .orElseGet(() -> FileTaskQueue.open(config.storage().dataDir().resolve("tasks"), clock));
            if (taskQueue instanceof AutoCloseable closeable) {
                opened.add(closeable);
            }
            sagaRoutes.withTasks(new TaskRoutes(taskQueue, Set.of(CatalogueRebuild.TYPE, CompressFile.TYPE, SignFile.TYPE),
                    kafkaWork.isPresent() ? "kafka" : "file", clock));
            addFile = addFile.queueingOn(taskQueue);
            // --- end of background tasks ---

            ServiceInfo service = new ServiceInfo(version(), instanceId, clock.instant());
            StatusReport report = new StatusReport(elements, reservations, service, config.describe(),
                    config.auth().enabled(), clock, breakers, transfers::counts, () -> monitor.status(sagaLog), tlsFailures)
                    .withRegistry(() -> registry.map(AdminFileRegistry::status))
                    .withDiscovery(() -> discovery.map(announcer -> announcer.current().status()));
            // --- resumable uploads: sessions in the state store, bytes in the (shared) staging folder ---
            ResumableSettings resumableSettings = config.upload().resumable();
            this.resumable = new ResumableUploads(state.uploadSessions(), new StagingArea(resumableSettings.stagingDir()),
                    reservations, resumableSettings, config.upload().maxFileBytes(), instanceId, clock,
                    TusRoutes.completion(addFile, config.compression(), config.signing().signByDefault(), sagaLog));
            TusRoutes tusRoutes = new TusRoutes(resumable, addFile, selector, config.upload().maxFileBytes(),
                    config.compression(), config.signing().signByDefault());
            report.withUploads(tusRoutes::statusSection);
            // --- end of resumable uploads ---
            // --- authentication, authorization and abuse limits ---
            Security security = Security.build(config.auth(), config.admin().enabledWithoutAuth(),
                    config.storage().dataDir().resolve("security"), catalog::find,
                    new AccessMetrics(new AuditedSecurityEvents(auditor), metrics), clock,
                    state.blocks(), state.tokenUses());
            // --- end of authentication, authorization and abuse limits ---
            // --- metrics: gauges read at each scrape ---
            if (config.metrics().publicAccess()) {
                security.access().servePublicly(MetricsRoutes.PATH);
            }
            ElementMetrics.register(metrics, elements, reservations, breakers);
            SagaMetrics.registerStates(metrics, sagaLog);
            InstanceMeters.alerts(metrics, alerts);
            InstanceMeters.transfers(metrics, transfers::counts);
            registry.ifPresent(r -> InstanceMeters.registry(metrics, r::status, clock));
            InstanceMeters.outbox(metrics, this::outboxStatus, clock);
            InstanceMeters.tasks(metrics, taskQueue);
            metrics.gauge("artstore_saga_commands_lag", "Saga participant commands on this instance's partitions not yet"
                    + " fetched (0 without Kafka)", Map.of(), () -> commandConsumer.map(KafkaSagaParticipant::lag).orElse(0L));
            // --- end of metrics ---
            // --- Kafka: the relays start once everything they read from is open ---
            this.kafka = config.events().kafka().map(kafkaSettings -> KafkaEvents.start(kafkaSettings, outbox.orElseThrow(),
                    auditTrail.folder(), config.storage().dataDir(), instanceId, Relay.Settings.DEFAULTS));
            kafka.ifPresent(k -> {
                opened.add(0, k);
                alerts.forwardTo(k.alerts());
            });
            // --- end of Kafka ---
            this.http = HttpApi.create(config.server(),
                    new UploadRoutes(addFile, config.upload().maxFileBytes(), config.compression(), spool,
                            config.signing().signByDefault()),
                    new FileRoutes(locator, deleteFile),
                    new HealthRoutes(report, clock),
                    new StatusRoutes(report, new StatusActivity(ActivitySamples.standard(clock), recentSagas, recentTransfers,
                            alerts::recent, alerts::counts)),
                    new VectorClockHeader(localClock, guard, config.instance().clockMaxEntries()),
                    new TransferRoutes(transfers, guard, catalog, fileRegistry),
                    sagaRoutes,
                    signatureRoutes,
                    security.access(),
                    security.signingKey().map(key -> new TokenRoutes(key, clock)),
                    new BlockRoutes(security.blocks()),
                    config.auth().abuse(),
                    new ContentRoutes(locator, elements, new OriginalContent(codecs, keyring)),
                    auditor, metrics,
                    new OutboxAdmission(outbox),
                    tusRoutes,
                    telemetry);
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
        startWork();
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

    /** How many file events wait for Kafka and since when; empty without Kafka. */
    public Optional<OutboxStatus> outboxStatus() {
        return outbox.map(EventOutbox::status);
    }

    /**
     * The outbox, bounded by {@code kafka.outbox.max_events}: in the data folder ({@code outbox/}), or with
     * {@code state: redis} in Redis, shared by the cluster, so that another instance relays what a dead one left.
     */
    private static EventOutbox openOutbox(IngesterConfig config, Optional<RedisConnections> redis, String instanceId) {
        long max = config.events().outboxMaxEvents();
        if (config.state().store() == StateSettings.Store.REDIS) {
            StateSettings shared = config.state();
            return new RedisEventOutbox(new RedisState(redis.orElseThrow(), RedisState.Settings.standalone(instanceId)
                    .withReplicas(shared.waitReplicas(), shared.waitTimeout())), max);
        }
        return FileEventOutbox.open(config.storage().dataDir().resolve("outbox"), max);
    }

    /**
     * Starts the saga participant's consumer (with Kafka) and the task workers: local threads on the queue in the
     * data folder, or a member of the tasks topic's group.
     */
    private void startWork() {
        Optional<KafkaSettings> kafkaWork = config.events().kafka();
        if (kafkaWork.isPresent()) {
            KafkaSettings k = kafkaWork.get();
            KafkaSagaParticipant commands = KafkaSagaParticipant.start(participant, new KafkaParticipantSettings(
                    k.bootstrapServers(), clientProperties(k), config.work().sagaCommandsTopic(),
                    config.work().sagaRepliesTopic(), KafkaParticipantSettings.DEFAULT_GROUP_ID,
                    KafkaParticipantSettings.DEFAULT_RETRY_DELAY));
            workers.add(commands);
            commandConsumer = Optional.of(commands);
            for (int i = 0; i < config.work().taskThreads(); i++) {
                workers.add(KafkaTaskWorker.start(new KafkaTaskSettings(k.bootstrapServers(), clientProperties(k),
                        config.work().tasksTopic(), KafkaTaskSettings.DEFAULT_GROUP_ID, KafkaTaskSettings.DEFAULT_RETRY_DELAY),
                        taskRunner, "task-worker-" + i));
            }
        } else {
            workers.add(LocalTaskExecutor.start((FileTaskQueue) taskQueue, taskRunner, config.work().taskThreads(),
                    Duration.ofSeconds(5)));
        }
    }

    private void stopWork() {
        commandConsumer = Optional.empty();
        for (AutoCloseable worker : workers) {
            try {
                worker.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", worker.getClass().getSimpleName(), e.toString());
            }
        }
        workers.clear();
        if (taskQueue instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the task queue failed: {}", e.toString());
            }
        }
    }

    /** The security settings of the events' Kafka clients, for the participant's and the tasks' clients. */
    private static Map<String, Object> clientProperties(KafkaSettings kafka) {
        Map<String, Object> common = new LinkedHashMap<>();
        kafka.producerProperties().forEach((name, value) -> {
            if (name.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || name.startsWith("sasl.")) {
                common.put(name, value);
            }
        });
        return common;
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
        stopWork();
        participant.close();
        resumable.close();
        if (started) {
            http.stop();
            started = false;
        }
        transfers.close();
        kafka.ifPresent(KafkaEvents::close);
        state.close();
        outbox.filter(AutoCloseable.class::isInstance).ifPresent(o -> {
            try {
                ((AutoCloseable) o).close();
            } catch (Exception e) {
                LOG.warn("closing the event outbox failed: {}", e.toString());
            }
        });
        try {
            events.close();
        } catch (Exception e) {
            LOG.warn("closing the event log failed: {}", e.getMessage(), e);
        }
        registry.ifPresent(AdminFileRegistry::close);
        closeRedisParts(redisParts);
        auditTrail.close();
        alerts.close();
        metrics.close();
        telemetry.close();
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
