package io.artstore.ingester.server;

import io.artstore.ingester.server.config.ConfigException;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.storage.fs.FolderInUseException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar artstore-ingester.jar [--config FILE]}: reads the configuration, starts the server and runs
 * until SIGTERM or SIGINT, then stops it cleanly. A bad setting ends the process with status 2; a data folder or
 * storage element folder that another instance holds, with status 3, before anything in them changed.
 * {@code audit verify ...} and {@code decrypt ...} run the tools of {@link Commands} instead.
 */
public final class Main {

    static final int EXIT_BAD_CONFIGURATION = 2;
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_FOLDER_IN_USE = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        run(args, IngesterServer.Decorators.NONE);
    }

    /** {@link #main} with adapters wrapped as given: tests start the process through it with their own. */
    static void run(String[] args, IngesterServer.Decorators decorators) throws InterruptedException {
        if (Commands.handles(args)) {
            System.exit(Commands.run(args, System.getenv(), System.out, System.err));
            return;
        }
        IngesterConfig config;
        try {
            config = ConfigLoader.load(List.of(args), System.getenv());
        } catch (ConfigException e) {
            LOG.error("cannot start: bad configuration: {}", e.getMessage());
            System.exit(EXIT_BAD_CONFIGURATION);
            return;
        }
        LogSetup.apply(config.logging());
        warnAboutDefaults(config);

        IngesterServer server;
        try {
            server = new IngesterServer(config, Clock.systemUTC(), decorators).start();
        } catch (FolderInUseException e) {
            LOG.error("cannot start: {}", e.getMessage());
            System.exit(EXIT_FOLDER_IN_USE);
            return;
        } catch (RuntimeException e) {
            LOG.error("cannot start: {}", e.getMessage(), e);
            System.exit(EXIT_START_FAILED);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            server.stop();
            LOG.info("stopped");
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    private static void warnAboutDefaults(IngesterConfig config) {
        if (config.defaultsOnly()) {
            LOG.warn("NO CONFIGURATION GIVEN (neither --config FILE, INGESTER_CONFIG nor any setting variable): running"
                    + " embedded with storage under {} and AUTHENTICATION OFF", config.storage().dataDir().toAbsolutePath());
        }
        if (!config.auth().enabled()) {
            LOG.warn("AUTHENTICATION IS OFF: anyone who can reach {}:{} can add and delete files",
                    config.server().host(), config.server().port());
        }
    }
}
