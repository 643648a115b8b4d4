package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.CrashPointMain;
import io.artstore.ingester.server.testing.ClusterScript;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances of the shaded jar behind nginx ({@code scripts/cluster.sh}) share their state in the Sentinel set
 * the script starts, a remote {@code edit} and a remote {@code rw} storage element. Instance 1 runs with the crash
 * point {@code after-commit-decision} of {@link CrashPointMain}: a signed file's transfer started there logs its
 * commit decision and holds; the instance is then killed with SIGKILL. Instance 2 or 3 (they race for it) takes the
 * transfer over once the dead instance's lease has expired and commits it: the file and its signature file are on
 * {@code rw} only, the catalogue says {@code rw}, and exactly one {@code file_transferred} event was published.
 */
class ClusterTransferTakeOverIT {

    private final ClusterClient client = new ClusterClient(Duration.ofSeconds(20));

    @TempDir
    Path root;

    @Test
    void a_transfer_whose_coordinator_was_killed_after_its_commit_decision_is_committed_by_another_instance() throws Exception {
        Path project = ClusterClient.projectWithJar();
        Path jar = project.resolve("ingester-server/target/artstore-ingester.jar");
        Path testClasses = project.resolve("ingester-server/target/test-classes");
        Path clusterDir = root.resolve("cluster");
        Path reached = root.resolve("reached");
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"))) {
            Element edit = remote.start("se-edit", Mode.EDIT, 10, Transport.PLAIN);
            Element rw = remote.start("se-rw", Mode.RW, 10, Transport.PLAIN);
            Path config = Files.writeString(root.resolve("ingester.yaml"), remote.yaml("")
                    .replace("  data_dir: ${data}\n", "") + """
                    state: redis
                    shared_state:
                      instance_lease: 3s
                    transfer:
                      recovery_interval: 500ms
                    discovery:
                      enabled: off
                    """);
            Map<String, String> env = Map.of("INSTANCE_1_JAVA_ARGS", "-Dcrash.point=after-commit-decision -Dcrash.reached="
                    + reached + " -cp " + jar + java.io.File.pathSeparator + testClasses + " " + CrashPointMain.class.getName());
            ClusterScript.Started cluster = ClusterScript.start(clusterDir, config, env, 3);
            List<Integer> ports = cluster.ports();
            URI balancer = cluster.balancer();
            URI coordinator = URI.create("http://127.0.0.1:" + ports.get(0));
            URI survivor = URI.create("http://127.0.0.1:" + ports.get(1));
            URI third = URI.create("http://127.0.0.1:" + ports.get(2));
            try {
                byte[] content = new byte[1024 * 1024 + 17];
                new Random(20_261_207L).nextBytes(content);
                HttpResponse<String> uploaded = client.upload(coordinator, Multipart.form().field("target_mode", "edit")
                        .field("sign", "true").file("survey.bin", content));
                assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
                JsonNode file = ClusterClient.json(uploaded.body());
                String fileId = file.path("file_id").asText();
                assertThat(file.path("signature").isObject()).as("signed: %s", file).isTrue();
                String signatureId = RemoteElements.attributes(edit.storedFile(fileId).orElseThrow())
                        .path("metadata").path("ingester").path("signature").path("file_id").asText();
                String signature = RemoteElements.sha256(edit.storedFile(signatureId).orElseThrow());

                HttpResponse<String> begun = send(HttpRequest.newBuilder(coordinator.resolve("/api/v1/files/" + fileId + "/transfer"))
                        .POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(begun.statusCode()).as(begun.body()).isEqualTo(202);
                String tx = ClusterClient.json(begun.body()).path("transaction_id").asText();
                TestServer.await("the transfer logged its commit decision", () -> Files.exists(reached));
                JsonNode decided = get(survivor.resolve("/api/v1/transfers/" + tx));
                assertThat(decided.path("status").asText()).as(decided.toString()).isEqualTo("committing");
                assertThat(edit.storedFile(fileId)).as("phase two had not begun").isPresent();

                long killed = ClusterClient.kill(clusterDir, 1);

                TestServer.await("instance 2 or 3 commits the transfer", () ->
                        "committed".equals(get(survivor.resolve("/api/v1/transfers/" + tx)).path("status").asText()));
                assertThat(get(third.resolve("/api/v1/transfers/" + tx)).path("status").asText()).isEqualTo("committed");
                System.out.println("transfer committed " + Duration.ofNanos(System.nanoTime() - killed).toMillis()
                        + " ms after the SIGKILL");

                Path onRw = rw.storedFile(fileId).orElseThrow();
                Path signatureOnRw = rw.storedFile(signatureId).orElseThrow();
                assertThat(RemoteElements.sha256(onRw)).as("the file on rw").isEqualTo(sha256(content));
                assertThat(RemoteElements.sha256(signatureOnRw)).as("its signature file on rw").isEqualTo(signature);
                assertThat(rw.storedFiles()).as("the file, its signature file and their attr.json").containsExactlyInAnyOrder(
                        onRw, Path.of(onRw + ".attr.json"), signatureOnRw, Path.of(signatureOnRw + ".attr.json"));
                assertThat(edit.storedFiles()).as("left on edit").isEmpty();
                JsonNode located = get(balancer.resolve("/api/v1/files/" + fileId));
                assertThat(located.path("storage_element_id").asText()).as(located.toString()).isEqualTo("se-rw");
                assertThat(located.path("mode").asText()).isEqualTo("rw");
                assertThat(located.path("checksum").asText()).isEqualTo(sha256(content));
                JsonNode verified = get(balancer.resolve("/api/v1/files/" + fileId + "/signature/verify"));
                assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
                assertThat(transferredEvents(clusterDir, fileId)).as("file_transferred events").isEqualTo(1);
                remote.assertNothingHalfWritten();
            } finally {
                ClusterScript.run(clusterDir, config, Map.of(), "stop");
            }
        }
    }

    private static long transferredEvents(Path clusterDir, String fileId) throws IOException {
        long count = 0;
        for (int i = 1; i <= 3; i++) {
            Path events = clusterDir.resolve("instance-" + i).resolve("data/events/events.jsonl");
            if (Files.exists(events)) {
                count += Files.readAllLines(events).stream()
                        .filter(line -> line.contains("\"file_transferred\"") && line.contains(fileId)).count();
            }
        }
        return count;
    }

    private JsonNode get(URI uri) {
        return client.get(uri);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return client.send(request);
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
