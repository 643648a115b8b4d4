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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of the shaded jar behind nginx ({@code scripts/cluster.sh}) share one Sentinel set with
 * {@code state: redis}, every durable write waiting for the replica. First the admin module (simulated by writing
 * the snapshot key) adds an element, puts another in {@code ro} and removes a third without publishing on the
 * channel: every instance follows within a second by polling. Then 1,000 uploads are sent through nginx by
 * concurrent clients, and the Redis master is killed with SIGKILL after a fifth of them (and brought back as a replica, as
 * a crashed server reboots). Uploads may be refused with 503 during the failover; every upload answered 201 is in
 * the shared catalogue and on the element the answer named, no element holds a file the catalogue does not know or
 * a half-written one, no saga stays open, and discovery reads the new master within a bound.
 */
class ClusterFailoverUploadsIT {

    private static final String CATALOG = "artstore:ingester:{catalog}:files";
    private static final java.util.regex.Pattern UUID =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final int UPLOADS = 1_000;
    private static final int CLIENTS = 16;
    /** Sentinel's down-after (1 s) and failover, then Jedis's switch or the instances' 5 s re-check of the master. */
    private static final Duration DISCOVERY_BOUND = Duration.ofSeconds(15);

    private final ClusterClient client = new ClusterClient(Duration.ofSeconds(30));

    @TempDir
    Path root;

    @Test
    void three_instances_follow_the_admin_module_by_polling_and_lose_no_acknowledged_upload_when_the_master_dies()
            throws Exception {
        Path project = ClusterClient.projectWithJar();
        Path clusterDir = root.resolve("cluster");
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"))) {
            Element a = remote.start("se-a", Mode.EDIT, 10, Transport.PLAIN);
            Element b = remote.start("se-b", Mode.EDIT, 20, Transport.PLAIN);
            Element c = remote.start("se-c", Mode.EDIT, 30, Transport.PLAIN);
            Element d = remote.start("se-d", Mode.EDIT, 5, Transport.PLAIN);
            Map<String, Element> byId = Map.of("se-a", a, "se-b", b, "se-c", c, "se-d", d);
            Path config = Files.writeString(root.resolve("ingester.yaml"), """
                    state: redis
                    shared_state:
                      wait_replicas: 1
                      wait_timeout: 1s
                      instance_lease: 3s
                    sagas:
                      lease: 5s
                      recovery_interval: 500ms
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
            try (SentinelSet sentinels = SentinelSet.attach(clusterDir.resolve("redis"));
                    RedisConnections admin = RedisConnections.open(sentinels.settings())) {
                Snapshots.publish(admin.client(), 1, List.of(entry(1, a, "edit", 10), entry(2, b, "edit", 20),
                        entry(3, c, "edit", 30)), "startup");
                for (URI instance : instances) {
                    TestServer.await(instance + " sees the first set", () -> modes(instance)
                            .equals(Map.of("se-a", "edit", "se-b", "edit", "se-c", "edit")));
                }

                // The admin module adds se-d (first by priority), puts se-a in ro and removes se-b; its message is lost.
                long written = System.nanoTime();
                Snapshots.write(admin.client(), 2, List.of(entry(1, a, "ro", 10), entry(3, c, "edit", 30),
                        entry(4, d, "edit", 5)));
                Map<String, String> announced = Map.of("se-a", "ro", "se-c", "edit", "se-d", "edit");
                List<Long> followed = new ArrayList<>();
                for (URI instance : instances) {
                    awaitWithin(Duration.ofSeconds(1), written, instance + " follows the change without a message",
                            () -> modes(instance).equals(announced));
                    followed.add(Duration.ofNanos(System.nanoTime() - written).toMillis());
                }
                System.out.println("the three instances showed the set written without a message after " + followed + " ms");
                HttpResponse<String> first = upload(balancer);
                assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
                assertThat(json(first.body()).path("storage_element_id").asText()).isEqualTo("se-d");

                // 1,000 uploads from concurrent clients through nginx; the master dies with SIGKILL after a fifth.
                Map<String, String> acknowledged = new ConcurrentHashMap<>();
                acknowledged.put(json(first.body()).path("file_id").asText(), "se-d");
                Map<String, AtomicInteger> refusals = new TreeMap<>();
                AtomicInteger answered = new AtomicInteger();
                AtomicInteger next = new AtomicInteger();
                java.util.concurrent.atomic.AtomicLong killedAt = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicLong firstAfterKill = new java.util.concurrent.atomic.AtomicLong();
                long began = System.nanoTime();
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    running.add(clients.submit(() -> {
                        while (next.getAndIncrement() < UPLOADS) {
                            long sent = System.nanoTime();
                            HttpResponse<String> reply = upload(balancer);
                            if (reply.statusCode() == 201) {
                                JsonNode body = json(reply.body());
                                acknowledged.put(body.path("file_id").asText(), body.path("storage_element_id").asText());
                                long kill = killedAt.get();
                                if (kill != 0 && sent - kill > 0) {
                                    firstAfterKill.compareAndSet(0, System.nanoTime());
                                }
                            } else {
                                assertThat(reply.statusCode()).as("only the unavailable kind: " + reply.body()).isEqualTo(503);
                                assertThat(reply.headers().firstValue("Retry-After")).as(reply.body()).isPresent();
                                String code = json(reply.body()).path("code").asText();
                                synchronized (refusals) {
                                    refusals.computeIfAbsent(code, k -> new AtomicInteger()).incrementAndGet();
                                }
                            }
                            answered.incrementAndGet();
                        }
                        return null;
                    }));
                }
                clients.shutdown();
                // A client that stopped on a wrong answer fails the test at once, not at the deadline.
                awaitWithin(Duration.ofMinutes(5), began, "a fifth of the uploads answered", () -> {
                    for (Future<?> client : running) {
                        if (client.isDone()) {
                            try {
                                client.get();
                            } catch (Exception e) {
                                throw new AssertionError("a client stopped", e);
                            }
                        }
                    }
                    return answered.get() >= UPLOADS / 5;
                });
                System.out.println(answered.get() + " uploads answered "
                        + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms after the first; killing the master");
                int masterPort = sentinels.masterPort();
                int answeredAtKill = answered.get();
                int acknowledgedAtKill = acknowledged.size();
                sentinels.killMaster();
                long killed = System.nanoTime();
                killedAt.set(killed);

                // The admin module writes its next snapshot to whichever master the sentinels name.
                TestServer.await("the new master takes the next snapshot", () -> {
                    try {
                        Snapshots.write(admin.client(), 3, List.of(entry(1, a, "ro", 10), entry(3, c, "edit", 1),
                                entry(4, d, "edit", 5)));
                        return true;
                    } catch (RuntimeException e) {
                        return false;
                    }
                });
                for (URI instance : instances) {
                    TestServer.await(instance + " reads the new master", () -> priority(instance, "se-c") == 1
                            && discovery(instance).equals("redis"));
                }
                Duration discoveryFollowed = Duration.ofNanos(System.nanoTime() - killed);
                System.out.println("discovery on the three instances read the new master "
                        + discoveryFollowed.toMillis() + " ms after the SIGKILL of 127.0.0.1:" + masterPort);
                assertThat(discoveryFollowed).isLessThan(DISCOVERY_BOUND);

                // The killed server comes back as a replica of the new master, so that writes are replicated again.
                Process restart = new ProcessBuilder("bash", project.resolve("scripts/redis-sentinel.sh").toString(),
                        "restart", clusterDir.resolve("redis").toString(), "master").redirectErrorStream(true).start();
                String restarted = new String(restart.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(restart.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(restart.exitValue()).as(restarted).isZero();
                long replicated = System.nanoTime();

                for (Future<?> client : running) {
                    client.get(10, TimeUnit.MINUTES);
                }
                assertThat(clients.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
                System.out.printf("%d uploads in %d ms: %d answered 201, refused %s; at the SIGKILL %d were answered,"
                        + " %d with 201; the killed master followed the new one %d ms after it%n", UPLOADS + 1,
                        Duration.ofNanos(System.nanoTime() - began).toMillis(), acknowledged.size(), refusals,
                        answeredAtKill, acknowledgedAtKill, Duration.ofNanos(replicated - killed).toMillis());
                // Refusals during the failover are expected (clients here do not retry); afterwards uploads succeed.
                TestServer.await("uploads succeed again", () -> {
                    HttpResponse<String> reply = upload(balancer);
                    if (reply.statusCode() != 201) {
                        return false;
                    }
                    JsonNode body = json(reply.body());
                    acknowledged.put(body.path("file_id").asText(), body.path("storage_element_id").asText());
                    return true;
                });
                System.out.println(firstAfterKill.get() == 0 ? "no upload sent after the SIGKILL by the clients succeeded"
                        : "the first upload sent after the SIGKILL to succeed was answered 201 "
                        + Duration.ofNanos(firstAfterKill.get() - killed).toMillis() + " ms after it");

                // Recovery drives every saga the failover interrupted to its end.
                for (URI instance : instances) {
                    TestServer.await(instance + " has no saga left open", () -> json(send(HttpRequest.newBuilder(
                            instance.resolve("/api/v1/admin/sagas")))).path("sagas").isEmpty());
                }
                Map<String, String> catalogue = admin.client().hgetAll(CATALOG);
                for (Map.Entry<String, String> file : acknowledged.entrySet()) {
                    assertThat(byId).as("the element of %s", file.getKey()).containsKey(file.getValue());
                    String entry = catalogue.get(file.getKey());
                    assertThat(entry).as("catalogue entry of %s, answered 201", file.getKey()).isNotNull();
                    assertThat(json(entry).path("element_id").asText()).as(entry).isEqualTo(file.getValue());
                    assertThat(byId.get(file.getValue()).storedFile(file.getKey()))
                            .as("%s on %s", file.getKey(), file.getValue()).isPresent();
                }
                for (Element element : List.of(a, b, c, d)) {
                    for (Path stored : element.storedFiles()) {
                        if (!stored.toString().endsWith(".attr.json")) {
                            Matcher id = UUID.matcher(stored.getFileName().toString());
                            assertThat(id.find()).as(stored.toString()).isTrue();
                            String fileId = id.group();
                            assertThat(catalogue).as("%s on %s is catalogued", stored.getFileName(), element.id())
                                    .containsKey(fileId);
                        }
                    }
                }
                remote.assertNothingHalfWritten();
            } catch (AssertionError | RuntimeException e) {
                ClusterClient.printLogTails(clusterDir, instances.size(), 40);
                throw e;
            } finally {
                ClusterScript.run(clusterDir, config, Map.of(), "stop");
            }
        }
    }

    private static Entry entry(int id, Element element, String mode, int priority) {
        return new Entry(id, element.id(), element.server().url().toString(), mode, priority, true);
    }

    private static void awaitWithin(Duration within, long since, String what, BooleanSupplier condition) {
        long deadline = since + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** The discovered elements an instance uses now, beside its own embedded ones. */
    private Map<String, String> modes(URI instance) {
        Map<String, String> modes = new HashMap<>();
        try {
            json(send(HttpRequest.newBuilder(instance.resolve("/api/v1/status")))).path("storage_elements")
                    .forEach(e -> {
                        if (e.path("id").asText().startsWith("se-")) {
                            modes.put(e.path("id").asText(), e.path("mode").asText());
                        }
                    });
        } catch (RuntimeException e) {
            return Map.of();
        }
        return modes;
    }

    private int priority(URI instance, String id) {
        try {
            for (JsonNode element : json(send(HttpRequest.newBuilder(instance.resolve("/api/v1/status")))).path("storage_elements")) {
                if (element.path("id").asText().equals(id)) {
                    return element.path("priority").asInt();
                }
            }
        } catch (RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private String discovery(URI instance) {
        return json(send(HttpRequest.newBuilder(instance.resolve("/health/ready"))))
                .path("checks").path("service_discovery").path("status").asText();
    }

    private HttpResponse<String> upload(URI target) {
        byte[] content = new byte[2_048];
        ThreadLocalRandom.current().nextBytes(content);
        return client.upload(target, Multipart.form().field("target_mode", "edit").file("part.bin", content),
                Duration.ofSeconds(60));
    }

    private String send(HttpRequest.Builder request) {
        return client.send(request).body();
    }

    private static JsonNode json(String body) {
        return ClusterClient.json(body);
    }
}
