package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.ClusterScript;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the tests of a cluster started by {@code scripts/cluster.sh} (instances of the shaded jar behind nginx) share:
 * requests to its instances and balancer, uploads, the SIGKILL of an instance, and the instances' logs on failure.
 */
final class ClusterClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Duration timeout;

    /** @param timeout how long each request may take */
    ClusterClient(Duration timeout) {
        this.timeout = timeout;
    }

    /** The checkout's root, once the shaded jar that the script starts is known to be built. */
    static Path projectWithJar() {
        Path project = ClusterScript.project();
        assertThat(project.resolve("ingester-server/target/artstore-ingester.jar")).as("the shaded jar").exists();
        return project;
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, timeout);
    }

    HttpResponse<String> send(HttpRequest.Builder request, Duration within) {
        return ClusterScript.send(http, request.timeout(within).build());
    }

    JsonNode get(URI uri) {
        return json(send(HttpRequest.newBuilder(uri)).body());
    }

    HttpResponse<String> upload(URI target, Multipart form) {
        return upload(target, form, timeout);
    }

    HttpResponse<String> upload(URI target, Multipart form, Duration within) {
        return send(HttpRequest.newBuilder(target.resolve("/api/v1/files/upload")).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())), within);
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills instance {@code number} (from 1) with SIGKILL and waits until it is gone.
     *
     * @return {@link System#nanoTime()} just after the signal was sent
     */
    static long kill(Path clusterDir, int number) throws Exception {
        long pid = Long.parseLong(Files.readString(clusterDir.resolve("instance-" + number + ".pid")).trim());
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        long killed = System.nanoTime();
        TestServer.await("instance " + number + " is gone", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        return killed;
    }

    /** Prints the last {@code lines} lines of each instance's log, for a failed test. */
    static void printLogTails(Path clusterDir, int instances, int lines) throws IOException {
        for (int i = 1; i <= instances; i++) {
            Path log = clusterDir.resolve("instance-" + i).resolve("ingester.log");
            List<String> all = Files.readAllLines(log);
            System.out.println("--- " + log + "\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())));
        }
    }
}
