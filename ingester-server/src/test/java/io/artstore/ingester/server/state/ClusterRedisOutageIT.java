package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.fixture.SentinelSet;
import io.artstore.ingester.redis.fixture.Snapshots;
import io.artstore.ingester.redis.fixture.Snapshots.Entry;
import io.artstore.ingester.server.testing.ClusterScript;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of the shaded jar behind nginx ({@code scripts/cluster.sh}) with {@code state: redis} learn one
 * remote storage element from service discovery. Then every Redis process of the Sentinel set (master, replica,
 * sentinels) is stopped with SIGSTOP for {@code cluster.redis_outage_seconds} seconds (a minute by default, as the
 * cluster scenarios ask; set the system property lower for a quicker local run): Redis accepts connections and
 * answers nothing, as a hung or cut-off Redis does. During it every
 * upload on each instance answers 503 {@code state_store_unavailable} with {@code Retry-After}, the status and the
 * readiness still answer 200 (the status saying the shared state is unavailable), and discovery keeps the element
 * it last saw (fallback). After SIGCONT every instance uploads again without a restart, and the element holds
 * exactly the files answered 201, none half-written.
 */
class ClusterRedisOutageIT {

    private final ClusterClient client = new ClusterClient(Duration.ofSeconds(30));
    private final Random random = new Random(20_261_207L);

    @TempDir
    Path root;

    @Test
    void while_redis_is_stopped_uploads_answer_503_with_retry_after_and_all_recovers_when_it_returns() throws Exception {
        Duration outage = Duration.ofSeconds(Long.getLong("cluster.redis_outage_seconds", 60));
        ClusterClient.projectWithJar();
        Path clusterDir = root.resolve("cluster");
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"))) {
            Element element = remote.start("se-a", Mode.EDIT, 10, Transport.PLAIN);
            Path config = Files.writeString(root.resolve("ingester.yaml"), """
                    state: redis
                    discovery:
                      poll_interval: 300ms
                      capacity_poll_interval: 1s
                      element_defaults:
                        token: %s
                    admin:
                      enabled_without_auth: on
                    """.formatted(RemoteElements.TOKEN));
            ClusterScript.Started cluster = ClusterScript.start(clusterDir, config, Map.of(), 3);
            List<URI> instances = cluster.instances();
            URI balancer = cluster.balancer();
            List<Long> redisPids = new ArrayList<>();
            // Closing the attached set stops it: it stays open until the cluster stops.
            try (SentinelSet sentinels = SentinelSet.attach(clusterDir.resolve("redis"));
                    RedisConnections admin = RedisConnections.open(sentinels.settings())) {
                Snapshots.publish(admin.client(), 1, List.of(new Entry(1, element.id(), element.server().url().toString(),
                        "edit", 10, true)), "startup");
                for (URI instance : instances) {
                    TestServer.await(instance + " sees se-a", () -> ids(instance).contains("se-a"));
                }
                Set<String> acknowledged = new HashSet<>();
                for (URI instance : instances) {
                    HttpResponse<String> before = upload(instance);
                    assertThat(before.statusCode()).as(before.body()).isEqualTo(201);
                    acknowledged.add(json(before.body()).path("file_id").asText());
                }

                try (Stream<Path> pids = Files.list(clusterDir.resolve("redis"))) {
                    for (Path pid : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
                        redisPids.add(Long.parseLong(Files.readString(pid).trim()));
                    }
                }
                assertThat(redisPids).as("master, replica and three sentinels").hasSize(5);
                signal("STOP", redisPids);
                long stopped = System.nanoTime();

                int refused = 0;
                for (URI instance : instances) {
                    TestServer.await(instance + " falls back to its last-known-good set",
                            () -> discovery(instance).equals("fallback"));
                    HttpResponse<String> ready = probe("GET /health/ready", HttpRequest.newBuilder(instance.resolve("/health/ready")));
                    assertThat(ready.statusCode()).as("a fallback leaves the instance ready: " + ready.body()).isEqualTo(200);
                    List<String> kept = new ArrayList<>();
                    json(ready.body()).path("storage_elements").forEach(e -> kept.add(e.path("id").asText()));
                    assertThat(kept).as("the set discovery keeps").contains("se-a");
                }
                do {
                    for (URI instance : instances) {
                        long sent = System.nanoTime();
                        HttpResponse<String> during = upload(instance);
                        long took = Duration.ofNanos(System.nanoTime() - sent).toMillis();
                        assertStateStoreUnavailable(during);
                        if (refused++ < instances.size()) {
                            System.out.println("upload during the outage: 503 after " + took + " ms");
                            String fileId = acknowledged.iterator().next();
                            assertStateStoreUnavailable(probe("GET a file",
                                    HttpRequest.newBuilder(instance.resolve("/api/v1/files/" + fileId))));
                            assertStateStoreUnavailable(probe("POST a transfer", HttpRequest.newBuilder(instance.resolve(
                                    "/api/v1/files/" + fileId + "/transfer")).POST(HttpRequest.BodyPublishers.noBody())));
                            HttpResponse<String> status = probe("GET /api/v1/status",
                                    HttpRequest.newBuilder(instance.resolve("/api/v1/status")));
                            assertThat(status.statusCode()).as("the status answers: " + status.body()).isEqualTo(200);
                            JsonNode shared = json(status.body()).path("shared_state");
                            assertThat(shared.path("status").asText()).as(status.body()).isEqualTo("unavailable");
                            assertThat(shared.path("code").asText()).isEqualTo("state_store_unavailable");
                            assertThat(json(status.body()).path("transfers").has("in_flight"))
                                    .as("no count made up while Redis is away").isFalse();
                        }
                    }
                } while (System.nanoTime() - stopped < outage.toNanos());

                signal("CONT", redisPids);
                long resumed = System.nanoTime();
                redisPids.clear();
                for (URI instance : instances) {
                    TestServer.await(instance + " uploads again", () -> {
                        HttpResponse<String> after = upload(instance);
                        if (after.statusCode() != 201) {
                            return false;
                        }
                        acknowledged.add(json(after.body()).path("file_id").asText());
                        return true;
                    });
                    System.out.println(instance + " uploads again " + Duration.ofNanos(System.nanoTime() - resumed).toMillis()
                            + " ms after Redis resumed");
                    TestServer.await(instance + " reads discovery from Redis again", () -> discovery(instance).equals("redis"));
                    TestServer.await(instance + " shows the shared state again", () -> json(send(HttpRequest.newBuilder(
                            instance.resolve("/api/v1/status"))).body()).path("shared_state").path("status").asText().equals("ok"));
                }
                System.out.println(refused + " uploads refused with 503 during " + outage.toSeconds() + " s of outage");

                for (String fileId : acknowledged) {
                    assertThat(send(HttpRequest.newBuilder(balancer.resolve("/api/v1/files/" + fileId))).statusCode())
                            .as("file " + fileId).isEqualTo(200);
                    assertThat(element.storedFile(fileId)).as("file " + fileId + " on the element").isPresent();
                }
                assertThat(element.storedFiles().stream().filter(f -> !f.toString().endsWith(".attr.json")).count())
                        .as("only the files answered 201 on the element").isEqualTo(acknowledged.size());
                remote.assertNothingHalfWritten();
                for (URI instance : instances) {
                    assertThat(json(send(HttpRequest.newBuilder(instance.resolve("/api/v1/admin/sagas"))).body())
                            .path("sagas")).as("sagas left unfinished on " + instance).isEmpty();
                }
            } catch (AssertionError | RuntimeException e) {
                ClusterClient.printLogTails(clusterDir, instances.size(), 60);
                throw e;
            } finally {
                signal("CONT", redisPids);
                ClusterScript.run(clusterDir, config, Map.of(), "stop");
            }
        }
    }

    private static void assertStateStoreUnavailable(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(json(response.body()).path("code").asText()).as(response.body()).isEqualTo("state_store_unavailable");
        assertThat(response.headers().firstValue("Retry-After")).as("Retry-After of " + response.body())
                .hasValueSatisfying(value -> assertThat(Integer.parseInt(value)).isPositive());
    }

    private HttpResponse<String> probe(String what, HttpRequest.Builder request) {
        long sent = System.nanoTime();
        HttpResponse<String> response = send(request);
        System.out.println(what + " during the outage: " + response.statusCode() + " after "
                + Duration.ofNanos(System.nanoTime() - sent).toMillis() + " ms, Retry-After "
                + response.headers().firstValue("Retry-After").orElse("-") + ": "
                + response.body().substring(0, Math.min(300, response.body().length())));
        return response;
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    private Set<String> ids(URI instance) {
        Set<String> ids = new HashSet<>();
        try {
            json(send(HttpRequest.newBuilder(instance.resolve("/api/v1/status"))).body()).path("storage_elements")
                    .forEach(e -> ids.add(e.path("id").asText()));
        } catch (RuntimeException e) {
            return Set.of();
        }
        return ids;
    }

    private String discovery(URI instance) {
        return json(send(HttpRequest.newBuilder(instance.resolve("/health/ready"))).body())
                .path("checks").path("service_discovery").path("status").asText();
    }

    private HttpResponse<String> upload(URI instance) {
        byte[] content = new byte[64 * 1024];
        random.nextBytes(content);
        return client.upload(instance, Multipart.form().field("target_mode", "edit").file("part.bin", content));
    }

    private static JsonNode json(String body) {
        return ClusterClient.json(body);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return client.send(request);
    }
}
