package io.artstore.ingester.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.http.fixture.SeAccounts;
import io.artstore.ingester.storage.http.fixture.SeAccounts.Principal;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import io.artstore.ingester.storage.http.fixture.StorageElementServer.Options;
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import io.artstore.ingester.storage.http.fixture.TestCertificates.ServerIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fixture storage elements in this JVM for a server under test, over TLS 1.3 with a pinned key (HTTP/1.1, as the SE speaks)
 * or plain HTTP/1.1, and the {@code storage.elements} YAML that points a server at them. Close it after the test.
 */
public final class RemoteElements implements AutoCloseable {

    /** How the server reaches the fixture SEs. */
    public enum Transport {
        TLS,
        PLAIN
    }

    public static final String TOKEN = "ingester-test-token";

    /**
     * Settings for {@link #yaml}: quick retries and a breaker that opens after 5 failures of 10 calls and stays
     * open long enough to see.
     */
    public static final String QUICK_RETRIES_AND_BREAKER = """
            retry:
              max_retries: 3
              delay: 10ms
              max_delay: 50ms
            breaker:
              failure_threshold: 5
              failure_window: 10
              open_delay: 60s
            capacity_cache_ttl: 100ms
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TestCertificates AUTHORITY = TestCertificates.newAuthority();
    private static final ServerIdentity IDENTITY = AUTHORITY.issueServer();

    /** One fixture SE and how the server should see it. */
    public record Element(String id, Mode mode, int priority, Transport transport, StorageElementServer server) {

        /** Every file in the SE's hour folders: stored files and their attr.json. */
        public List<Path> storedFiles() {
            Path data = server.dataFolder();
            try (Stream<Path> files = Files.walk(data)) {
                return files.filter(Files::isRegularFile).filter(file -> !data.relativize(file).toString().startsWith("."))
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The stored bytes of a file, found by its id in the SE's folders. */
        public Optional<Path> storedFile(String fileId) {
            return storedFiles().stream().filter(file -> file.getFileName().toString().contains(fileId))
                    .filter(file -> !file.toString().endsWith(".attr.json")).findFirst();
        }
    }

    private final Path root;
    private final Path trustStore;
    private final List<Element> elements = new ArrayList<>();

    public RemoteElements(Path root) {
        this.root = root;
        this.trustStore = AUTHORITY.writeTrustStore(root.resolve("se-truststore.p12"));
    }

    /** Starts a fixture SE that accepts {@link #TOKEN}. */
    public Element start(String id, Mode mode, int priority, Transport transport) {
        Options options = new Options(StorageElementId.of(id), mode, priority, root.resolve(id), 0, Optional.empty());
        if (transport == Transport.TLS) {
            options = options.withTls(new StorageElementServer.Tls(IDENTITY, "TLSv1.3"));
        }
        StorageElementServer server = StorageElementServer.start(options,
                new SeAccounts().allow(TOKEN, Principal.serviceAccount("ingester", "admin")));
        Element element = new Element(id, mode, priority, transport, server);
        elements.add(element);
        return element;
    }

    public Path trustStore() {
        return trustStore;
    }

    public static String pin() {
        return IDENTITY.pin();
    }

    /**
     * {@code storage:} with an entry for each started element.
     *
     * @param extra more keys for every entry, indented as its other keys (6 spaces), e.g. quick retries
     */
    public String yaml(String extra) {
        StringBuilder yaml = new StringBuilder("storage:\n  data_dir: ${data}\n  elements:\n");
        for (Element element : elements) {
            yaml.append("    - id: ").append(element.id()).append('\n')
                    .append("      mode: ").append(element.mode().wireName()).append('\n')
                    .append("      type: http\n")
                    .append("      url: ").append(element.server().url()).append('\n')
                    .append("      priority: ").append(element.priority()).append('\n')
                    .append("      token: ").append(TOKEN).append('\n');
            if (element.transport() == Transport.TLS) {
                yaml.append("      pins: [\"").append(pin()).append("\"]\n")
                        .append("      tls:\n")
                        .append("        min_version: TLSv1.3\n")
                        .append("        trust_store: ").append(trustStore).append('\n')
                        .append("        trust_store_password: ").append(TestCertificates.PASSWORD).append('\n');
            }
            yaml.append(extra.indent(6));
        }
        return yaml.toString();
    }

    /**
     * Nothing half-written on any SE: no temporary file, no upload part, no file without its attr.json, and no copy
     * still staged by a transfer.
     */
    public void assertNothingHalfWritten() {
        for (Element element : elements) {
            Path data = element.server().dataFolder();
            assertThat(list(data.resolve(".tmp"))).as("temporary files of %s", element.id()).isEmpty();
            assertThat(list(data.resolve(".staging"))).as("staged files of %s", element.id()).isEmpty();
            assertThat(list(data.getParent().resolve("work").resolve("parts"))).as("upload parts of %s", element.id()).isEmpty();
            List<Path> files = element.storedFiles();
            for (Path file : files) {
                if (file.toString().endsWith(".attr.json")) {
                    assertThat(attributes(file).path("metadata").path("ingester").path("staging").asText())
                            .as("the staging mark of %s", file).isNotEqualTo("staged");
                } else {
                    assertThat(Path.of(file + ".attr.json")).as("the attr.json of %s", file).exists();
                }
            }
        }
    }

    /** The attr.json of a stored file (or the attr.json itself) as JSON. */
    public static JsonNode attributes(Path file) {
        Path attributes = file.toString().endsWith(".attr.json") ? file : Path.of(file + ".attr.json");
        try {
            return JSON.readTree(attributes.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            DigestInputStream digesting = (DigestInputStream) in;
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
        elements.forEach(element -> element.server().close());
        elements.clear();
    }
}
