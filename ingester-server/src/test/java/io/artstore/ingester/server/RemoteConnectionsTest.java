package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.storage.http.SharedHttpConnections;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All remote elements share one connection pool, and stopping the server closes it. */
class RemoteConnectionsTest {

    @TempDir
    Path root;

    @Test
    void the_remote_elements_share_one_pool_that_stopping_closes() throws IOException, InterruptedException {
        try (RemoteElements remote = new RemoteElements(root)) {
            remote.start("remote-edit", Mode.EDIT, 1, Transport.TLS);
            remote.start("remote-rw", Mode.RW, 1, Transport.PLAIN);
            Path yaml = Files.writeString(root.resolve("ingester.yaml"),
                    remote.yaml("").replace("${data}", root.resolve("data").toString()));
            IngesterServer server = new IngesterServer(ConfigLoader.load(List.of("--config", yaml.toString()),
                    Map.of("APP_HOST", "127.0.0.1", "APP_PORT", "0"))).start();
            SharedHttpConnections connections = server.remoteConnections();
            try {
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(connections.openConnections()).as("one kept-alive connection to each element").isEqualTo(2);
            } finally {
                server.stop();
            }

            assertThat(connections.isClosed()).isTrue();
            assertThat(connections.openConnections()).isZero();
        }
    }
}
