package io.artstore.ingester.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.RedisSettings.TrustStore;
import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.redis.fixture.Snapshots;
import io.artstore.ingester.redis.fixture.Snapshots.Entry;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import io.artstore.ingester.storage.http.fixture.TestCertificates.ServerIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A redis-server that speaks only TLS ({@code --port 0 --tls-port}), its certificate signed by an authority made for
 * the test. An instance configured with that authority's trust store reads service discovery and keeps its shared
 * state over TLS; a client or an instance that trusts another authority is refused at the handshake.
 */
class RedisTlsIT {

    @TempDir
    Path root;

    @Test
    void an_instance_uses_a_tls_redis_signed_by_its_configured_authority_and_refuses_another() throws Exception {
        Tls tls = Tls.writeTo(root);
        int port = RedisProcess.freePort();
        Process redis = redisServer("redis", port, tls.serverArguments());
        Files.createDirectories(root.resolve("se"));
        RedisSettings overTls = RedisSettings.standalone("127.0.0.1", port).withTimeout(Duration.ofSeconds(2)).withTls(tls.trusted());
        try (RemoteElements remote = new RemoteElements(root.resolve("se"));
                RedisConnections admin = RedisConnections.open(overTls)) {
            TestServer.await("redis-server answers over TLS", () -> {
                try {
                    return "PONG".equals(admin.client().ping());
                } catch (RuntimeException e) {
                    return false;
                }
            });
            Element element = remote.start("se-a", Mode.EDIT, 10, Transport.PLAIN);
            Snapshots.publish(admin.client(), 1, List.of(new Entry(1, element.id(), element.server().url().toString(), "edit",
                    10, true)), "startup");

            // A client that trusts another authority, or that speaks plain text, gets nothing from the server.
            try (RedisConnections wrong = RedisConnections.open(RedisSettings.standalone("127.0.0.1", port).withTls(tls.other()))) {
                assertThatThrownBy(() -> wrong.client().ping()).isInstanceOf(JedisConnectionException.class)
                        .satisfies(e -> assertThat(rootSsl(e)).as("a TLS failure in %s", e).isNotNull());
            }
            try (RedisConnections plain = RedisConnections.open(RedisSettings.standalone("127.0.0.1", port)
                    .withTimeout(Duration.ofSeconds(1)))) {
                assertThatThrownBy(() -> plain.client().ping()).isInstanceOf(JedisConnectionException.class);
            }

            try (TestServer server = startInstance("state: redis\n", port, tls.trusted())) {
                TestServer.await("discovery reads the snapshot over TLS",
                        () -> discovery(server).path("status").asText().equals("redis"));
                Reply upload = server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(2_000)));
                assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
                assertThat(upload.json().path("storage_element_id").asText()).isEqualTo("se-a");
                String fileId = upload.json().path("file_id").asText();
                assertThat(admin.client().hget("artstore:ingester:{catalog}:files", fileId))
                        .as("the catalogue entry, written over TLS").contains("\"se-a\"");
                assertThat(server.status().path("configuration").toString()).doesNotContain(TestCertificates.PASSWORD);
            }

            // The same instance trusting another authority never reads the snapshot, and says why.
            try (TestServer server = startInstance("", port, tls.other())) {
                JsonNode discovery = discovery(server);
                assertThat(discovery.path("status").asText()).as(discovery.toString()).isEqualTo("fallback");
                assertThat(server.status().path("storage_elements").findValuesAsText("id")).doesNotContain("se-a");
            }
        } finally {
            stop(List.of(redis));
        }
    }

    @Test
    void the_sentinels_and_the_master_they_name_are_reached_over_tls() throws Exception {
        Tls tls = Tls.writeTo(root);
        List<String> serverTls = new java.util.ArrayList<>(tls.serverArguments());
        serverTls.addAll(List.of("--tls-replication", "yes"));
        int masterPort = RedisProcess.freePort();
        int replicaPort = RedisProcess.freePort();
        int sentinelPort = RedisProcess.freePort();
        Path sentinelConf = Files.writeString(root.resolve("sentinel.conf"), String.join("\n",
                "port 0", "tls-port " + sentinelPort, "bind 127.0.0.1", "dir " + root,
                "tls-cert-file " + tls.certificate(), "tls-key-file " + tls.key(), "tls-ca-cert-file " + tls.ca(), "tls-auth-clients no",
                "tls-replication yes", "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 1",
                "sentinel down-after-milliseconds mymaster 1000", ""));
        List<Process> processes = new java.util.ArrayList<>();
        try {
            processes.add(redisServer("master", masterPort, serverTls));
            List<String> replica = new java.util.ArrayList<>(serverTls);
            replica.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(masterPort)));
            processes.add(redisServer("replica", replicaPort, replica));
            processes.add(new ProcessBuilder("redis-sentinel", sentinelConf.toString()).redirectErrorStream(true)
                    .redirectOutput(root.resolve("sentinel.log").toFile()).start());
            RedisSettings settings = new RedisSettings(new RedisSettings.Sentinel("mymaster",
                    List.of(new RedisSettings.Address("127.0.0.1", sentinelPort)), Optional.empty()), Optional.empty(), 0,
                    true, Duration.ofSeconds(2), Duration.ofSeconds(1));
            try (RedisConnections connections = RedisConnections.open(settings.withTls(tls.trusted()));
                    RedisConnections wrong = RedisConnections.open(settings.withTls(tls.other()))) {
                TestServer.await("the sentinel names the master over TLS", () -> connections.askSentinels().isPresent());
                assertThat(connections.askSentinels()).contains(new RedisSettings.Address("127.0.0.1", masterPort));
                connections.client().set("artstore:ingester:tls-check", "over tls");
                assertThat(connections.client().get("artstore:ingester:tls-check")).isEqualTo("over tls");
                assertThat(connections.currentMaster()).contains(new RedisSettings.Address("127.0.0.1", masterPort));

                assertThat(wrong.askSentinels()).as("a sentinel whose authority is not trusted").isEmpty();
                assertThatThrownBy(() -> wrong.client().ping()).isInstanceOf(redis.clients.jedis.exceptions.JedisException.class);
            }
        } finally {
            stop(processes);
        }
    }

    /**
     * The server's certificate and key and the authority that signed it, as PEM files for redis; a trust store of
     * that authority, and one of another authority.
     */
    private record Tls(Path certificate, Path key, Path ca, TrustStore trusted, TrustStore other) {

        static Tls writeTo(Path root) {
            TestCertificates authority = TestCertificates.newAuthority();
            ServerIdentity identity = authority.issueServer();
            Path certificate = root.resolve("redis.crt");
            Path key = root.resolve("redis.key");
            identity.writePem(certificate, key);
            Path ca = authority.writeCertificatePem(root.resolve("ca.crt"));
            TrustStore trusted = new TrustStore(authority.writeTrustStore(root.resolve("redis-ca.p12")),
                    Optional.of(TestCertificates.PASSWORD));
            TrustStore other = new TrustStore(TestCertificates.newAuthority().writeTrustStore(root.resolve("other-ca.p12")),
                    Optional.of(TestCertificates.PASSWORD));
            return new Tls(certificate, key, ca, trusted, other);
        }

        List<String> serverArguments() {
            return List.of("--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
                    "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no");
        }
    }

    /** An instance that reads discovery from the TLS redis on {@code port}, trusting {@code trustStore}. */
    private static TestServer startInstance(String moreYaml, int port, TrustStore trustStore) {
        String yaml = moreYaml + """
                storage:
                  data_dir: ${data}
                  elements:
                    - id: local-rw
                      mode: rw
                discovery:
                  poll_interval: 300ms
                  element_defaults:
                    token: %s
                """.formatted(RemoteElements.TOKEN);
        return TestServer.builder().yaml(yaml).env("REDIS_HOST", "127.0.0.1")
                .env("REDIS_PORT", Integer.toString(port)).env("INGESTER_REDIS_TLS", "on")
                .env("INGESTER_REDIS_TLS_TRUST_STORE", trustStore.file().toString())
                .env("INGESTER_REDIS_TLS_TRUST_STORE_PASSWORD", TestCertificates.PASSWORD).start();
    }

    private static void stop(List<Process> processes) throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private Process redisServer(String name, int tlsPort, List<String> more) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--port", "0",
                "--tls-port", Integer.toString(tlsPort), "--save", "", "--appendonly", "no", "--dir", root.toString(),
                "--dbfilename", name + ".rdb"));
        command.addAll(more);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve(name + ".log").toFile()).start();
    }

    private static Throwable rootSsl(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return cause;
            }
        }
        return null;
    }

    private static JsonNode discovery(TestServer server) {
        return server.get("/health/ready").json().path("checks").path("service_discovery");
    }
}
