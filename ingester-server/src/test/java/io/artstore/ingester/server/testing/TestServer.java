package io.artstore.ingester.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.server.IngesterServer;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.observe.Telemetry;
import io.artstore.ingester.storage.fs.Fsync;
import io.artstore.ingester.storage.local.LocalStorageElement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The whole server, in this JVM, on a free port of 127.0.0.1, with its data in a fresh temporary folder that
 * closing deletes. Configured as in production: through {@link ConfigLoader}, from variables and YAML.
 */
public final class TestServer implements AutoCloseable {

    /** The magic the embedded catalogue's log starts with, before any record. */
    private static final String CATALOGUE_LOG_HEADER = "ARTCAT01";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private final Path root;
    private final Path dataDir;
    private final IngesterServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI base;

    private TestServer(Path root, IngesterConfig config, IngesterServer.Decorators decorators, Optional<Telemetry> telemetry) {
        this.root = root;
        this.dataDir = config.storage().dataDir();
        this.server = telemetry.map(given -> new IngesterServer(config, Clock.systemUTC(), decorators, given))
                .orElseGet(() -> new IngesterServer(config, Clock.systemUTC(), decorators)).start();
        this.base = URI.create("http://127.0.0.1:" + server.port());
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TestServer start() {
        return builder().start();
    }

    public static final class Builder {
        private final Map<String, String> env = new HashMap<>();
        private String yaml;
        private UnaryOperator<TransactionLog> transactionLog = UnaryOperator.identity();
        private UnaryOperator<StorageElement> storageElement = UnaryOperator.identity();
        private Consumer<Path> seed = data -> { };
        private Fsync logFsync = Fsync.REAL;
        private Optional<Telemetry> telemetry = Optional.empty();

        private Builder() {}

        /** Traces with this SDK, e.g. one that exports to memory, instead of the configured one. */
        public Builder telemetry(Telemetry given) {
            this.telemetry = Optional.of(given);
            return this;
        }

        /** Writes into the data folder before the server starts, e.g. files another ingester left on an element. */
        public Builder seed(Consumer<Path> seed) {
            this.seed = seed;
            return this;
        }

        /** Wraps the transfer log the server's transfers write to, e.g. with {@link PauseAfterCommitDecision}. */
        public Builder transactionLog(UnaryOperator<TransactionLog> decorator) {
            this.transactionLog = decorator;
            return this;
        }

        /** Wraps every storage element the server writes to, e.g. to make one fail. */
        public Builder storageElement(UnaryOperator<StorageElement> decorator) {
            this.storageElement = decorator;
            return this;
        }

        /** Forces the saga and event logs through {@code fsync}, e.g. to hold a group commit. */
        public Builder logFsync(Fsync fsync) {
            this.logFsync = fsync;
            return this;
        }

        /** Sets an environment variable as the server would see it. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /**
         * Registers files with the admin module at {@code adminUrl} as the service account {@code clientId}, retrying
         * quickly (20 ms, backing off to 200 ms) so that tests see deliveries soon after the module is back.
         */
        public Builder registry(URI adminUrl, String clientId, String secret) {
            return env("AUTH_ADMIN_MODULE_URL", adminUrl.toString())
                    .env("SERVICE_ACCOUNT_CLIENT_ID", clientId)
                    .env("SERVICE_ACCOUNT_CLIENT_SECRET", secret)
                    .env("INGESTER_REGISTRY_RETRY_DELAY", "20ms")
                    .env("INGESTER_REGISTRY_MAX_RETRY_DELAY", "200ms");
        }

        /** Serves the operator actions under {@code /api/v1/admin/}, off by default while authentication is off. */
        public Builder adminApi() {
            return env("INGESTER_ADMIN_ENABLED_WITHOUT_AUTH", "on");
        }

        /** The configuration file's text; {@code ${data}} stands for the server's data folder. */
        public Builder yaml(String text) {
            this.yaml = text;
            return this;
        }

        public TestServer start() {
            try {
                Path root = Files.createTempDirectory("ingester-test-");
                Path data = root.resolve("data");
                seed.accept(data);
                Map<String, String> variables = new HashMap<>();
                variables.put("INGESTER_DATA_DIR", data.toString());
                variables.put("APP_HOST", "127.0.0.1");
                variables.put("APP_PORT", "0");
                variables.putAll(env);
                List<String> args = new ArrayList<>();
                if (yaml != null) {
                    Path file = root.resolve("ingester.yaml");
                    Files.writeString(file, yaml.replace("${data}", data.toString()));
                    args = List.of("--config", file.toString());
                }
                return new TestServer(root, ConfigLoader.load(args, variables),
                        new IngesterServer.Decorators(transactionLog, storageElement, logFsync), telemetry);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public int port() {
        return server.port();
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server itself, for what only it can tell (e.g. its outbox). */
    public IngesterServer server() {
        return server;
    }

    /** The configuration the server was built from. */
    public IngesterConfig config() {
        return server.config();
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Reply upload(Multipart form) {
        return upload("", form);
    }

    /** @param query appended to the upload path, e.g. {@code ?target_mode=edit}, or empty */
    public Reply upload(String query, Multipart form) {
        return post("/api/v1/files/upload" + query, form.contentType(), form.bytes());
    }

    public Reply post(String pathAndQuery, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode status() {
        return get("/api/v1/status").json();
    }

    /** Bytes reserved for uploads in flight, over all storage elements. */
    public long outstandingBytes() {
        return status().path("reservations").path("outstanding_bytes").asLong();
    }

    /** How many sagas the admin API lists, in all states; the server must be built with {@link Builder#adminApi}. */
    public int sagaCount() {
        int count = 0;
        for (String state : List.of("running", "compensating", "completed", "compensated", "failed_compensation")) {
            Reply reply = get("/api/v1/admin/sagas?state=" + state);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            count += reply.json().path("count").asInt();
        }
        return count;
    }

    /** Where the stored bytes of an uploaded file are on disk. */
    public Path storedFile(JsonNode uploaded) {
        JsonNode file = get("/api/v1/files/" + uploaded.path("file_id").asText()).json();
        return Path.of(file.path("storage_element_url").asText())
                .resolve(file.path("storage_path").asText())
                .resolve(file.path("storage_filename").asText());
    }

    /**
     * Whether the embedded catalogue's log holds a record of the file: the log is read as bytes (the server keeps
     * it open), so an entry is seen as soon as it is written.
     */
    public boolean catalogueMentions(String fileId) {
        Path log = catalogueLog();
        try {
            return Files.exists(log) && new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("\"file_id\":\"" + fileId + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every regular file of the storage elements (but their lock files), the catalogue and the upload spool. The
     * catalogue's log counts once it holds a record: the catalogue creates it, with its header alone, when it opens.
     */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("storage", "catalog", "spool")) {
            Path path = dataDir.resolve(folder);
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().equals(
                            LocalStorageElement.LOCK_FILE)).filter(file -> !isEmptyCatalogueLog(file)).forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return files;
    }

    private Path catalogueLog() {
        return dataDir.resolve("catalog").resolve("catalog.log");
    }

    private boolean isEmptyCatalogueLog(Path file) {
        try {
            return file.equals(catalogueLog()) && Files.size(file) <= CATALOGUE_LOG_HEADER.length();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Path> spoolFiles() {
        return files().stream().filter(file -> file.startsWith(dataDir.resolve("spool"))).toList();
    }

    /** Polls until the condition holds; fails after the deadline. */
    public static void await(String what, BooleanSupplier condition) {
        await(what, TIMEOUT, condition);
    }

    /** As {@link #await(String, BooleanSupplier)}, for a condition that is known to take longer. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    @Override
    public void close() {
        server.stop();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
