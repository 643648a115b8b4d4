package io.artstore.ingester.server;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.saga.JitterSource;
import io.artstore.ingester.core.saga.RetryPolicy;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaEngine;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.Sleeper;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.service.AddFileService;
import io.artstore.ingester.core.service.DeleteFileSaga;
import io.artstore.ingester.core.service.DurableDeleteFileService;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.config.SagaSettings;
import io.artstore.ingester.server.config.StorageElementSettings;
import io.artstore.ingester.server.http.FileRoutes;
import io.artstore.ingester.server.http.HealthRoutes;
import io.artstore.ingester.server.http.HttpApi;
import io.artstore.ingester.server.http.SagaRoutes;
import io.artstore.ingester.server.http.ServiceInfo;
import io.artstore.ingester.server.http.SignatureRoutes;
import io.artstore.ingester.server.http.StatusReport;
import io.artstore.ingester.server.http.StatusRoutes;
import io.artstore.ingester.server.http.UploadRoutes;
import io.artstore.ingester.server.saga.SagaMonitor;
import io.artstore.ingester.server.saga.SagaRecovery;
import io.artstore.ingester.server.signing.BouncyCastleSignatureVerifier;
import io.artstore.ingester.server.signing.Signers;
import io.artstore.ingester.storage.codec.BrotliCodec;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.FileSystemLocks;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.JsonLinesEventPublisher;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the embedded adapters, the core's services and the HTTP API from one
 * configuration, by hand. {@link #start()} opens the port; {@link #stop()} closes it and the event log.
 */
public final class IngesterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngesterServer.class);

    private final IngesterConfig config;
    private final JsonLinesEventPublisher events;
    private final FileSagaLog sagaLog;
    private final SagaRecovery recovery;
    private final Javalin http;
    private boolean started;

    public IngesterServer(IngesterConfig config) {
        this(config, Clock.systemUTC());
    }

    public IngesterServer(IngesterConfig config, Clock clock) {
        this.config = config;
        Path spool = config.storage().spoolDir();
        createFolders(config.storage().catalogDir(), config.storage().eventsFile().getParent(), spool,
                config.storage().sagasDir(), config.storage().locksDir());
        UploadRoutes.clearSpool(spool);

        List<StorageElement> elementList = config.storage().elements().stream()
                .<StorageElement>map(element -> LocalStorageElement.open(localSettings(element), clock))
                .toList();
        StorageElements elements = new StaticStorageElements(elementList);
        FileCatalog catalog = FileSystemFileCatalog.open(config.storage().catalogDir());
        CapacityReservations reservations = new InMemoryCapacityReservations();
        this.events = JsonLinesEventPublisher.open(config.storage().eventsFile());

        StorageElementSelector selector = new StorageElementSelector(elements, reservations,
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        FileLocator locator = new FileLocator(catalog, elements);
        Map<CompressionAlgorithm, Codec> codecs = codecs(config.compression());

        // --- sagas and signing ---
        SagaSettings sagaSettings = config.sagas();
        String instanceId = sagaSettings.instanceId().orElseGet(() -> InstanceIds.loadOrCreate(config.storage().dataDir()));
        this.sagaLog = FileSagaLog.open(config.storage().sagasDir(), instanceId);
        Locks locks = FileSystemLocks.open(config.storage().locksDir());
        AddFileSaga addSaga = new AddFileSaga(elements, catalog, events, clock,
                new AddFileSaga.Settings(sagaSettings.addTimeout(), RetryPolicy.DEFAULT));
        DeleteFileSaga deleteSaga = new DeleteFileSaga(elements, catalog, events, locks, clock,
                new DeleteFileSaga.Settings(sagaSettings.deleteTimeout(), RetryPolicy.DEFAULT));
        List<SagaDefinition<?>> definitions = List.of(addSaga.definition(), deleteSaga.definition());
        SagaMonitor monitor = new SagaMonitor(definitions);
        SagaOrchestrator orchestrator = new SagaOrchestrator(sagaLog, definitions, new SagaEngine(JitterSource.hashed()),
                new SagaOrchestrator.Settings(instanceId, sagaSettings.lease(), sagaSettings.maxRetryWait()),
                clock, Sleeper.system(), monitor);
        this.recovery = new SagaRecovery(orchestrator, sagaSettings.recoveryInterval());
        Signer signer = Signers.create(config.signing(), config.storage().dataDir(), clock);
        AddFileService addFile = new AddFileService(selector, addSaga, orchestrator, codecs, Optional.of(signer), clock,
                config.upload().maxFileBytes());
        DeleteFileUseCase deleteFile = new DurableDeleteFileService(locator, deleteSaga, orchestrator);
        SagaRoutes sagaRoutes = new SagaRoutes(sagaLog, orchestrator, definitions);
        SignatureRoutes signatureRoutes = new SignatureRoutes(locator, elements, codecs, new BouncyCastleSignatureVerifier());
        // --- end of sagas and signing ---

        ServiceInfo service = new ServiceInfo(version(), instanceId, clock.instant(), "embedded");
        StatusReport report = new StatusReport(elements, reservations, service, config.describe(),
                config.auth().enabled(), clock, () -> monitor.status(sagaLog));
        this.http = HttpApi.create(config.server(),
                new UploadRoutes(addFile, config.upload().maxFileBytes(), config.compression(), spool,
                        config.signing().signByDefault()),
                new FileRoutes(locator, deleteFile),
                new HealthRoutes(report, clock),
                new StatusRoutes(report),
                sagaRoutes,
                signatureRoutes);
    }

    public synchronized IngesterServer start() {
        http.start();
        recovery.start();
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
        if (started) {
            http.stop();
            started = false;
        }
        try {
            sagaLog.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the saga log failed: {}", e.getMessage(), e);
        }
        try {
            events.close();
        } catch (Exception e) {
            LOG.warn("closing the event log failed: {}", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stop();
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
