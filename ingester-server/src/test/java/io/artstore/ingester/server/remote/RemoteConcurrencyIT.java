package io.artstore.ingester.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.GeneratedContent;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.ServerProcess;
import io.artstore.ingester.server.testing.StreamedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server as a child process with a 256 MiB heap, two fixture SEs in this JVM (edit over TLS 1.3 with
 * a pinned key, rw over plain HTTP), 64 uploads at once: 63 from 1 KiB to 16 MiB on a log scale and one of
 * 256 MiB, generated and hashed while they are sent. Every upload must land intact, and the server must live.
 */
class RemoteConcurrencyIT {

    private static final int UPLOADS = 64;
    private static final long LARGEST = 256L * 1024 * 1024;

    @TempDir
    Path root;

    private record Sent(Element element, long size, String sha256, int status, String body) {}

    @Test
    void sixty_four_concurrent_uploads_of_mixed_sizes_land_intact_on_remote_elements() throws Exception {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 1, Transport.TLS);
            Element rw = remote.start("remote-rw", Mode.RW, 1, Transport.PLAIN);
            Path config = Files.writeString(root.resolve("ingester.yaml"), (remote.yaml("""
                    timeouts:
                      read: 10m
                      write: 10m
                    bulkhead:
                      size: 64
                      max_wait: 10m
                    """) + """
                    logging:
                      format: json
                    """).replace("${data}", root.resolve("data").toString()));

            try (ServerProcess server = ServerProcess.start(config, Map.of(), "256m")) {
                List<Long> sizes = sizes();
                List<Sent> sent = new ArrayList<>();
                ExecutorService clients = Executors.newFixedThreadPool(UPLOADS);
                try {
                    List<Future<Sent>> futures = new ArrayList<>();
                    for (int i = 0; i < UPLOADS; i++) {
                        long size = sizes.get(i);
                        long seed = 7_000 + i;
                        Element element = i % 2 == 0 ? edit : rw;
                        futures.add(clients.submit(() -> upload(server, element, size, seed)));
                    }
                    for (Future<Sent> future : futures) {
                        sent.add(future.get());
                    }
                } finally {
                    clients.shutdownNow();
                }

                ObjectMapper json = new ObjectMapper();
                for (Sent upload : sent) {
                    assertThat(upload.status()).as("%d bytes: %s", upload.size(), upload.body()).isEqualTo(201);
                    JsonNode answer = json.readTree(upload.body());
                    assertThat(answer.path("file_size").asLong()).isEqualTo(upload.size());
                    assertThat(answer.path("checksum").asText()).isEqualTo(upload.sha256());
                    assertThat(answer.path("storage_element_id").asText()).isEqualTo(upload.element().id());
                    Path stored = upload.element().storedFile(answer.path("file_id").asText()).orElseThrow();
                    assertThat(Files.size(stored)).isEqualTo(upload.size());
                    assertThat(RemoteElements.sha256(stored)).as("the bytes on %s's disk", upload.element().id())
                            .isEqualTo(upload.sha256());
                }
                remote.assertNothingHalfWritten();
                assertThat(edit.server().protocolsSeen()).containsOnly("HTTP/1.1");
                assertThat(server.isAlive()).as("the server survived:\n" + server.log()).isTrue();
                assertThat(server.log()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    /** 63 sizes spread on a log scale from 1 KiB to 16 MiB, and 256 MiB in the middle; shuffled, repeatable. */
    private static List<Long> sizes() {
        List<Long> sizes = new ArrayList<>();
        double low = Math.log(1024);
        double high = Math.log(16L * 1024 * 1024);
        for (int i = 0; i < UPLOADS - 1; i++) {
            sizes.add(Math.round(Math.exp(low + (high - low) * i / (UPLOADS - 2))));
        }
        Collections.shuffle(sizes, new Random(64));
        sizes.add(UPLOADS / 2, LARGEST);
        return sizes;
    }

    /** Fields first, so that the file streams through to the SE; the content is made and hashed as it goes. */
    private static Sent upload(ServerProcess server, Element element, long size, long seed) throws IOException {
        GeneratedContent content = new GeneratedContent(size, seed);
        HttpURLConnection connection = StreamedUpload.open(server.uri("/api/v1/files/upload"), element.mode().wireName(),
                "upload-" + seed + ".bin", content, Duration.ofMinutes(10)).finish();
        int status = connection.getResponseCode();
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        String body;
        try (in) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Sent(element, size, content.sha256(), status, body);
    }
}
