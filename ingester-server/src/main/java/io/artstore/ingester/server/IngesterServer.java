package io.artstore.ingester.server;

import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.service.ClockStampingEventPublisher;
import io.artstore.ingester.core.service.ConcurrentOperationGuard;
import io.artstore.ingester.core.service.LocalClock;
import io.artstore.ingester.core.service.LockingDeleteFileService;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.service.AddFileService;
import io.artstore.ingester.core.service.DeleteFileService;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.config.StorageElementSettings;
import io.artstore.ingester.server.http.CircuitBreakers;
import io.artstore.ingester.server.http.FileRoutes;
import io.artstore.ingester.server.http.HealthRoutes;
import io.artstore.ingester.server.http.HttpApi;
import io.artstore.ingester.server.http.ServiceInfo;
import io.artstore.ingester.server.http.StatusReport;
import io.artstore.ingester.server.http.StatusRoutes;
import io.artstore.ingester.server.http.TransferRoutes;
import io.artstore.ingester.server.http.UploadRoutes;
import io.artstore.ingester.server.http.VectorClockHeader;
import io.artstore.ingester.server.transfer.NodeIdentity;
import io.artstore.ingester.server.transfer.TransferRunner;
import io.artstore.ingester.storage.embedded.FileClockSync;
import io.artstore.ingester.storage.embedded.FileSystemFileClocks;
import io.artstore.ingester.storage.embedded.FileSystemLocks;
import io.artstore.ingester.storage.embedded.FileTransactionLog;
import io.artstore.ingester.storage.codec.BrotliCodec;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.JsonLinesEventPublisher;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.http.HttpStorageElement;
import io.artstore.ingester.storage.http.SharedHttpConnections;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the embedded adapters, the core's services and the HTTP API from one
 * configuration, by hand. {@link #start()} opens the port; {@link #stop()} closes it, the event log and the
 * connections to remote storage elements.
 */
public final class IngesterServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngesterServer.class);

    private final IngesterConfig config;
    private final JsonLinesEventPublisher events;
    private final FileTransactionLog transactionLog;
    private final TransferRunner transfers;
    private final SharedHttpConnections connections;
    private final Javalin http;
    private boolean started;

    public IngesterServer(IngesterConfig config) {
        this(config, Clock.systemUTC());
    }

    public IngesterServer(IngesterConfig config, Clock clock) {
        this.config = config;
        Path spool = config.storage().spoolDir();
        createFolders(config.storage().catalogDir(), config.storage().eventsFile().getParent(), spool);
        UploadRoutes.clearSpool(spool);

        List<StorageElement> elementList = new ArrayList<>(config.storage().elements().stream()
                .<StorageElement>map(element -> LocalStorageElement.open(localSettings(element), clock))
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
        elementList.addAll(remote.values());
        CircuitBreakers breakers = id -> Optional.ofNullable(remote.get(id)).map(HttpStorageElement::breakerStatus);
        // --- End of remote storage elements.
        StorageElements elements = new StaticStorageElements(elementList);
        FileCatalog catalog = FileSystemFileCatalog.open(config.storage().catalogDir());
        CapacityReservations reservations = new InMemoryCapacityReservations();
        this.events = JsonLinesEventPublisher.open(config.storage().eventsFile());

        // --- transfers and vector clocks: stores, this instance's clock, events stamped with it ---
        Locks locks = FileSystemLocks.open(config.storage().locksDir());
        this.transactionLog = FileTransactionLog.open(config.storage().transactionsDir());
        NodeId node = NodeIdentity.resolve(config.instance().nodeId(), config.storage().nodeIdFile());
        LocalClock localClock = new LocalClock(node, FileClockSync.open(config.storage().clockDir()), ClockPruning.DEFAULT);
        FileClocks fileClocks = FileSystemFileClocks.open(config.storage().clockDir().resolve("files"));
        EventPublisher stampedEvents = new ClockStampingEventPublisher(events, localClock, fileClocks);
        LOG.info("node id {} in vector clocks, at {}", node, localClock.current().toText());
        // --- end of transfers and vector clocks ---

        StorageElementSelector selector = new StorageElementSelector(elements, reservations,
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        AddFileService addFile = new AddFileService(selector, catalog, stampedEvents, codecs(config.compression()), clock,
                config.upload().maxFileBytes());
        FileLocator locator = new FileLocator(catalog, elements);
        DeleteFileService deleteFile = new DeleteFileService(locator, elements, catalog, stampedEvents, clock);

        // --- transfers and vector clocks: deletes and transfers exclude each other through the file's lock ---
        DeleteFileUseCase lockedDelete = new LockingDeleteFileService(deleteFile, locks);
        TransferCoordinator coordinator = new TransferCoordinator(locator, elements, selector, catalog, stampedEvents,
                TransferRunner.transactionLog(transactionLog, config.transfer()), locks, clock);
        this.transfers = new TransferRunner(coordinator, transactionLog, locks, config.transfer());
        ConcurrentOperationGuard guard = new ConcurrentOperationGuard(fileClocks);
        // --- end of transfers and vector clocks ---

        ServiceInfo service = new ServiceInfo(version(), UUID.randomUUID().toString(), clock.instant(), "embedded");
        StatusReport report = new StatusReport(elements, reservations, service, config.describe(),
                config.auth().enabled(), clock, breakers, transfers::counts);
        this.http = HttpApi.create(config.server(),
                new UploadRoutes(addFile, config.upload().maxFileBytes(), config.compression(), spool),
                new FileRoutes(locator, lockedDelete),
                new HealthRoutes(report, clock),
                new StatusRoutes(report),
                new VectorClockHeader(localClock, guard),
                new TransferRoutes(transfers, guard));
    }

    /** Finishes what transfers a previous run left unfinished, then opens the port and starts the recovery sweep. */
    public synchronized IngesterServer start() {
        transfers.recoverAtStartup();
        http.start();
        transfers.startSweeping();
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
        if (started) {
            http.stop();
            started = false;
        }
        transfers.close();
        try {
            transactionLog.close();
        } catch (Exception e) {
            LOG.warn("closing the transfer log failed: {}", e.getMessage(), e);
        }
        try {
            events.close();
        } catch (Exception e) {
            LOG.warn("closing the event log failed: {}", e.getMessage(), e);
        }
        connections.close();
    }

    /** The connections of the remote storage elements; closed once the server stopped. */
    SharedHttpConnections remoteConnections() {
        return connections;
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
