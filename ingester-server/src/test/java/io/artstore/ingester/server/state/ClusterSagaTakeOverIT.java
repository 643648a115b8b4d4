package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.ClusterScript;
import io.artstore.ingester.server.testing.GeneratedContent;
import io.artstore.ingester.server.testing.StreamedUpload;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of the shaded jar behind nginx ({@code scripts/cluster.sh}) share their state in the Sentinel set the
 * script starts and one remote storage element. The instance that receives an upload is killed with SIGKILL while
 * the body still streams in; one of the other two takes the upload's saga over once the dead instance's lease has
 * expired and compensates it, exactly once, and the element holds nothing half-written.
 */
class ClusterSagaTakeOverIT {


    private final ClusterClient client = new ClusterClient(Duration.ofSeconds(10));

    @TempDir
    Path root;

    @Test
    void an_upload_whose_instance_was_killed_mid_stream_is_compensated_by_another_instance() throws Exception {
        ClusterClient.projectWithJar();
        Path clusterDir = root.resolve("cluster");
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"))) {
            Element element = remote.start("se-a", Mode.EDIT, 10, Transport.PLAIN);
            // The instances' data folders come from the script; the shared state and a short instance lease do the rest.
            Path config = Files.writeString(root.resolve("ingester.yaml"), remote.yaml("")
                    .replace("  data_dir: ${data}\n", "") + """
                    state: redis
                    shared_state:
                      instance_lease: 3s
                    sagas:
                      recovery_interval: 500ms
                    discovery:
                      enabled: off
                    admin:
                      enabled_without_auth: on
                    """);
            ClusterScript.Started cluster = ClusterScript.start(clusterDir, config, Map.of(), 3);
            List<Integer> ports = cluster.ports();
            URI balancer = cluster.balancer();
            CountDownLatch release = new CountDownLatch(1);
            try {
                Thread uploader = new Thread(() -> StreamedUpload.sendFirstThenHold(balancer.resolve("/api/v1/files/upload"),
                        new GeneratedContent(256L * 1024 * 1024, 11L), 8L * 1024 * 1024, release));
                uploader.setDaemon(true);
                uploader.start();
                AtomicReference<JsonNode> running = new AtomicReference<>();
                TestServer.await("the upload's saga runs", () -> {
                    List<JsonNode> sagas = sagas(URI.create("http://127.0.0.1:" + ports.get(0)), "running");
                    if (sagas.size() != 1) {
                        return false;
                    }
                    running.set(sagas.get(0));
                    return true;
                });
                String sagaId = running.get().path("saga_id").asText();
                String fileId = running.get().path("file_id").asText();
                String owner = running.get().path("owner").asText();
                assertThat(owner).matches("ingester-[123]");
                int dead = Integer.parseInt(owner.substring(owner.lastIndexOf('-') + 1));
                List<URI> survivors = new ArrayList<>();
                for (int i = 1; i <= ports.size(); i++) {
                    if (i != dead) {
                        survivors.add(URI.create("http://127.0.0.1:" + ports.get(i - 1)));
                    }
                }
                URI survivor = survivors.get(0);

                long killed = ClusterClient.kill(clusterDir, dead);

                TestServer.await("another instance compensates the upload", () ->
                        "compensated".equals(get(survivor.resolve("/api/v1/sagas/" + sagaId)).path("state").asText()));
                System.out.println("saga compensated " + Duration.ofNanos(System.nanoTime() - killed).toMillis()
                        + " ms after the SIGKILL");

                JsonNode saga = get(balancer.resolve("/api/v1/sagas/" + sagaId));
                assertThat(saga.path("owner").asText()).as(saga.toString()).isNotEqualTo(owner);
                assertThat(status(balancer.resolve("/api/v1/files/" + fileId))).isEqualTo(404);
                long compensations = 0;
                for (URI alive : survivors) {
                    assertThat(sagas(alive, null)).as("sagas left unfinished or parked on " + alive).isEmpty();
                    compensations += get(alive.resolve("/api/v1/status")).path("sagas").path("compensated_since_start").asLong();
                }
                assertThat(compensations).as("compensated exactly once by the two survivors together").isEqualTo(1);
                assertThat(element.storedFile(fileId)).as("the upload's file on the element").isEmpty();
                remote.assertNothingHalfWritten();
            } finally {
                release.countDown();
                ClusterScript.run(clusterDir, config, Map.of(), "stop");
            }
        }
    }

    private List<JsonNode> sagas(URI instance, String state) {
        JsonNode list = get(instance.resolve("/api/v1/admin/sagas" + (state == null ? "" : "?state=" + state))).path("sagas");
        List<JsonNode> sagas = new ArrayList<>();
        list.forEach(sagas::add);
        return sagas;
    }

    private JsonNode get(URI uri) {
        return client.get(uri);
    }

    private int status(URI uri) {
        return client.send(HttpRequest.newBuilder(uri)).statusCode();
    }
}
