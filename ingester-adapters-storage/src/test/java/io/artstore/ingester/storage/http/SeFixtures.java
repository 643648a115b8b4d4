package io.artstore.ingester.storage.http;

import java.util.Map;
import io.artstore.ingester.formats.AttributesJson;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.FileAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import io.artstore.ingester.storage.http.HttpStorageSettings.Tls;
import io.artstore.ingester.storage.http.fixture.SeAccounts;
import io.artstore.ingester.storage.http.fixture.SeAccounts.Principal;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import io.artstore.ingester.storage.http.fixture.StorageElementServer.Options;
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import io.artstore.ingester.storage.http.fixture.TestCertificates.ServerIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;

/**
 * Fixture storage elements for one test, over TLS 1.3 (HTTP/1.1, pinned) or plain HTTP/1.1, and the
 * adapters that talk to them through one shared client. Close it after the test.
 */
final class SeFixtures implements AutoCloseable {

    static final OkHttpClient SHARED_CLIENT = HttpStorageElement.newSharedClient();
    static final String TOKEN = "ingester-test-token";
    static final Principal SERVICE_ACCOUNT = Principal.serviceAccount("ingester", "admin");
    /** Fast retries so that fault tests do not wait. */
    static final Resilience QUICK = new Resilience(5, 10, Duration.ofSeconds(30), 2, 3, Duration.ofMillis(10),
            Duration.ofMillis(50), 0.25, 32, Duration.ofSeconds(10));

    private static final TestCertificates AUTHORITY = TestCertificates.newAuthority();
    private static final ServerIdentity IDENTITY = AUTHORITY.issueServer();

    private final Path root;
    private final boolean tls;
    private final Path trustStore;
    private final List<StorageElementServer> servers = new ArrayList<>();

    SeFixtures(Path root, boolean tls) {
        this.root = root;
        this.tls = tls;
        this.trustStore = AUTHORITY.writeTrustStore(root.resolve("truststore.p12"));
    }

    static TestCertificates authority() {
        return AUTHORITY;
    }

    Path trustStore() {
        return trustStore;
    }

    /** A new fixture SE of that mode with the test's service-account token accepted. */
    StorageElementServer start(Mode mode) {
        return start(mode, 0);
    }

    StorageElementServer start(Mode mode, int priority) {
        Options options = Options.plain("se-" + servers.size(), mode, root.resolve("se-" + servers.size()))
                .withPriority(priority);
        if (tls) {
            options = options.withTls(new StorageElementServer.Tls(IDENTITY, "TLSv1.3"));
        }
        return start(options);
    }

    StorageElementServer start(Options options) {
        return start(options, new SeAccounts().allow(TOKEN, SERVICE_ACCOUNT));
    }

    StorageElementServer start(Options options, SeAccounts accounts) {
        StorageElementServer server = StorageElementServer.start(options, accounts);
        servers.add(server);
        return server;
    }

    /** Settings for an adapter of {@code server}: its pins and the test authority when over TLS. */
    HttpStorageSettings settings(StorageElementServer server, Mode mode, int priority) {
        return settings(StorageElementId.of("http-" + root.relativize(server.dataFolder().getParent()).toString()
                .replace('/', '-')), server, mode, priority);
    }

    /** Settings for an adapter named {@code id} of {@code server}. */
    HttpStorageSettings settings(StorageElementId id, StorageElementServer server, Mode mode, int priority) {
        HttpStorageSettings settings = HttpStorageSettings.of(id, mode, server.url(), priority, new StaticToken(TOKEN))
                .withResilience(QUICK);
        if (tls) {
            settings = settings.withTls(Tls.trusting(trustStore, TestCertificates.PASSWORD)).withPins(List.of(IDENTITY.pin()));
        }
        return settings;
    }

    HttpStorageElement element(StorageElementServer server, Mode mode) {
        return new HttpStorageElement(settings(server, mode, 0), SHARED_CLIENT);
    }

    HttpStorageElement element(HttpStorageSettings settings) {
        return new HttpStorageElement(settings, SHARED_CLIENT);
    }

    /**
     * Only complete files on every SE: nothing temporary, no uploaded part left over, no file in the hour
     * folders without an {@code attr.json} of its own.
     */
    void assertNoLeftovers() {
        for (StorageElementServer server : servers) {
            Path data = server.dataFolder();
            assertThat(list(data.resolve(".tmp"))).as("temporary files of %s", data).isEmpty();
            assertThat(list(data.resolve(".staging"))).as("staged copies of %s", data).isEmpty();
            assertThat(list(data.getParent().resolve("work").resolve("parts"))).as("upload parts of %s", data).isEmpty();
            List<Path> files = storedFiles(data);
            Set<String> owners = new HashSet<>();
            files.stream().map(Path::toString).filter(name -> name.endsWith(".attr.json"))
                    .forEach(name -> owners.add(name.substring(0, name.length() - ".attr.json".length())));
            assertNoBookkeepingMarks(data);
            for (Path file : files) {
                assertThat(owners.stream().anyMatch(owner -> file.toString().equals(owner)
                        || file.toString().equals(owner + ".attr.json"))).as("%s belongs to a stored file", file).isTrue();
            }
        }
    }

    /** The {@code metadata} object of the file's {@code attr.json} on the SE's disk (no endpoint returns it). */
    static Map<String, Object> attrMetadata(Path data, FileId fileId) {
        return attrFiles(data).stream().map(SeFixtures::readAttributes)
                .filter(attributes -> attributes.fileId().equals(fileId)).findFirst()
                .orElseThrow(() -> new AssertionError("no attr.json of file " + fileId + " under " + data)).metadata();
    }

    /** Fails when any {@code attr.json} carries the adapter's bookkeeping, which the SE's metadata must not hold. */
    static void assertNoBookkeepingMarks(Path data) {
        for (Path file : attrFiles(data)) {
            Map<String, Object> metadata = readAttributes(file).metadata();
            if (metadata.get("ingester") instanceof Map<?, ?> ingester) {
                assertThat(ingester.keySet().stream().map(String::valueOf).toList()).as("bookkeeping in %s", file)
                        .doesNotContain("staging", "sidecars", "created_at", "created_by");
            }
        }
    }

    private static List<Path> attrFiles(Path data) {
        return storedFiles(data).stream().filter(file -> file.toString().endsWith(".attr.json")).toList();
    }

    private static FileAttributes readAttributes(Path file) {
        try {
            return AttributesJson.fromBytes(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file in the hour folders of an SE. */
    static List<Path> storedFiles(Path data) {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !data.relativize(file).toString().startsWith("."))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        servers.forEach(StorageElementServer::close);
        servers.clear();
    }
}
