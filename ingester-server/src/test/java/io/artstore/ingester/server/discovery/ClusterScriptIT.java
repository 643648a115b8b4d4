package io.artstore.ingester.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.fixture.SentinelSet;
import io.artstore.ingester.redis.fixture.Snapshots;
import io.artstore.ingester.redis.fixture.Snapshots.Entry;
import io.artstore.ingester.server.testing.ClusterScript;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/cluster.sh}: two instances of the shaded jar behind nginx, sharing the Sentinel set the script
 * starts; the admin module is simulated by writing the snapshot key and publishing, and the Redis master is killed.
 */
class ClusterScriptIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path root;

    @Test
    void instancesBehindNginxFollowTheAnnouncedSetAndTheNewMasterAfterAFailover() throws Exception {
        Path project = ClusterScript.project();
        Path jar = project.resolve("ingester-server/target/artstore-ingester.jar");
        assertThat(jar).as("the shaded jar, built in the package phase").exists();
        Path clusterDir = root.resolve("cluster");
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"))) {
            Element a = remote.start("se-a", Mode.EDIT, 10, Transport.PLAIN);
            Element b = remote.start("se-b", Mode.EDIT, 10, Transport.PLAIN);
            Path config = Files.writeString(root.resolve("ingester.yaml"), """
                    discovery:
                      poll_interval: 300ms
                      capacity_poll_interval: 1s
                      element_defaults:
                        token: %s
                    """.formatted(RemoteElements.TOKEN));
            ClusterScript.Started cluster = ClusterScript.start(clusterDir, config, Map.of(), 2);
            List<Integer> ports = cluster.ports();
            URI balancer = cluster.balancer();
            try (SentinelSet sentinels = SentinelSet.attach(clusterDir.resolve("redis"));
                    RedisConnections admin = RedisConnections.open(sentinels.settings())) {
                // One signing key for temporary tokens across the cluster, in the form the server reads.
                Path[] keys = {clusterDir.resolve("instance-1/data/security/token-signing-key.pem"),
                        clusterDir.resolve("instance-2/data/security/token-signing-key.pem")};
                assertThat(keys[0]).exists().hasSameBinaryContentAs(keys[1]);
                assertThat(io.artstore.ingester.server.security.SigningKey.openOrCreate(keys[0].getParent()).keyId())
                        .isEqualTo(io.artstore.ingester.server.security.SigningKey.openOrCreate(keys[1].getParent()).keyId());
                Snapshots.publish(admin.client(), 1, List.of(entry(1, a, "edit")), "startup");
                for (int port : ports) {
                    TestServer.await("instance " + port + " sees se-a", () -> ids(URI.create("http://127.0.0.1:" + port))
                            .contains("se-a"));
                }
                Set<String> instances = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    JsonNode status = get(balancer.resolve("/api/v1/status"));
                    instances.add(status.path("instance_id").asText());
                    assertThat(status.path("health").path("checks").path("service_discovery").path("status").asText())
                            .isEqualTo("redis");
                }
                assertThat(instances).as("nginx spreads requests over both instances").hasSize(2);

                sentinels.killMaster();
                long killed = System.nanoTime();
                TestServer.await("the new master takes the next snapshot", () -> {
                    try {
                        Snapshots.publish(admin.client(), 2, List.of(entry(1, a, "ro"), entry(2, b, "edit")), "updated");
                        return true;
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
                for (int port : ports) {
                    TestServer.await("instance " + port + " reads the new master", () -> {
                        URI instance = URI.create("http://127.0.0.1:" + port);
                        return ids(instance).contains("se-b") && discovery(instance).equals("redis");
                    });
                }
                Duration took = Duration.ofNanos(System.nanoTime() - killed);
                System.out.println("both instances followed the new master " + took.toMillis() + " ms after the SIGKILL");
                assertThat(took).isLessThan(Duration.ofSeconds(30));
            } finally {
                ClusterScript.run(clusterDir, config, Map.of(), "stop");
            }
            try (java.util.stream.Stream<Path> files = Files.list(clusterDir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".pid")).toList()).as("every PID stopped").isEmpty();
            }
        }
    }

    private Set<String> ids(URI instance) {
        Set<String> ids = new HashSet<>();
        try {
            get(instance.resolve("/api/v1/status")).path("storage_elements").forEach(e -> ids.add(e.path("id").asText()));
        } catch (RuntimeException e) {
            return Set.of();
        }
        return ids;
    }

    private String discovery(URI instance) {
        return get(instance.resolve("/health/ready")).path("checks").path("service_discovery").path("status").asText();
    }

    private JsonNode get(URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Entry entry(int id, Element element, String mode) {
        return new Entry(id, element.id(), element.server().url().toString(), mode, 10, true);
    }
}
