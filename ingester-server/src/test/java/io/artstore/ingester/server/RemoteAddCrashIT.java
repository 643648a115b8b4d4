package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An upload to a remote SE whose server is killed (SIGKILL) right after the add saga's pivot (the file published on
 * the SE), before the catalogue step: the SE holds the file, the catalogue does not. The restarted server's recovery
 * catalogues it with everything the client sent (description, version, metadata, TTL, compression), which a remote
 * SE never reports back, and the SE's attr.json holds the same metadata.
 */
class RemoteAddCrashIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "remote-add-crash-boundary-5e1d";

    @TempDir
    Path folder;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void an_add_killed_between_its_pivot_and_the_catalogue_is_catalogued_with_the_client_metadata(Transport transport)
            throws Exception {
        try (RemoteElements remote = new RemoteElements(folder)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 10, transport);
            Path config = Files.writeString(folder.resolve("ingester.yaml"), remote.yaml("")
                    .replace("${data}", folder.resolve("data").toString()) + "admin:\n  enabled_without_auth: on\n");
            byte[] content = "bay 4, north aisle: plaster sound, one crack\n".repeat(3_000).getBytes(StandardCharsets.UTF_8);
            Path reached = folder.resolve("reached");

            try (ServerProcess server = ServerProcess.startMain(CrashPointMain.class.getName(), Map.of("crash.point",
                    "after-publish", "crash.element", "remote-edit", "crash.reached", reached.toString()), config, Map.of(), "128m")) {
                Thread uploader = new Thread(() -> uploadUnanswered(server, content));
                uploader.setDaemon(true);
                uploader.start();
                awaitCrashPoint(server, reached);
                server.kill();
            }
            Path stored = edit.storedFiles().stream().filter(file -> !file.toString().endsWith(".attr.json")).findFirst()
                    .orElseThrow(() -> new AssertionError("the pivot left no file on the SE"));
            String fileId = RemoteElements.attributes(stored).path("file_id").asText();

            try (ServerProcess restarted = ServerProcess.start(config, Map.of(), "128m")) {
                awaitNoSagaUnfinished(restarted);
                assertThat(get(restarted, "/api/v1/admin/sagas?state=completed").findValuesAsText("file_id")).contains(fileId);
                JsonNode found = get(restarted, "/api/v1/files/" + fileId);

                assertThat(found.path("description").asText()).isEqualTo("survey of the north aisle");
                assertThat(found.path("version").asText()).isEqualTo("3");
                assertThat(found.path("metadata")).isEqualTo(JSON.readTree("{\"case\":\"B-7\",\"bays\":[4,5],\"survey\":{\"by\":\"A. R.\"}}"));
                assertThat(found.path("retention_policy").asText()).isEqualTo("temporary");
                assertThat(found.path("ttl_expires_at").isTextual()).as(found.toString()).isTrue();
                assertThat(found.path("compressed").asBoolean()).isTrue();
                assertThat(found.path("compression_algorithm").asText()).isEqualTo("gzip");
                assertThat(found.path("file_size").asLong()).as("the original size").isEqualTo(content.length);
                assertThat(found.path("checksum").asText()).as("the original checksum").isEqualTo(sha256(content));
                assertThat(found.path("signature").isObject()).as("signed: %s", found).isTrue();

                JsonNode onSe = RemoteElements.attributes(stored).path("metadata");
                ObjectNode clientPart = onSe.deepCopy();
                clientPart.remove("ingester");
                assertThat(clientPart).as("the client metadata on the SE").isEqualTo(found.path("metadata"));
                JsonNode ingester = onSe.path("ingester");
                assertThat(ingester.path("original_size").asLong()).isEqualTo(content.length);
                assertThat(ingester.path("original_checksum").asText()).isEqualTo(sha256(content));
                assertThat(ingester.path("compression_algorithm").asText()).isEqualTo("gzip");
                assertThat(ingester.path("ttl_expires_at").asText()).isEqualTo(found.path("ttl_expires_at").asText());
                assertThat(ingester.has("staging")).as("no bookkeeping on the SE").isFalse();
                assertThat(RemoteElements.sha256(stored)).isEqualTo(found.path("stored_checksum").asText());

                JsonNode verified = get(restarted, "/api/v1/files/" + fileId + "/signature/verify");
                assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
                remote.assertNothingHalfWritten();
            }
        }
    }

    /** Sends the upload; the server halts under it, so no answer comes. */
    private static void uploadUnanswered(ServerProcess server, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("target_mode", "edit");
        fields.put("description", "survey of the north aisle");
        fields.put("version", "3");
        fields.put("metadata", "{\"case\":\"B-7\",\"bays\":[4,5],\"survey\":{\"by\":\"A. R.\"}}");
        fields.put("ttl_days", "9");
        fields.put("compression_algorithm", "gzip");
        fields.put("sign", "true");
        fields.forEach((name, value) -> body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"aisle.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        try {
            HttpURLConnection connection = (HttpURLConnection) server.uri("/api/v1/files/upload").toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
            connection.setFixedLengthStreamingMode(body.size());
            connection.setReadTimeout((int) TIMEOUT.multipliedBy(2).toMillis());
            try (OutputStream out = connection.getOutputStream()) {
                body.writeTo(out);
            }
            connection.getResponseCode();
        } catch (IOException e) {
            // The server was killed under the upload: expected.
        }
    }

    /**
     * Waits until recovery has ended every saga. Until then the file is not asked for: a file the catalogue lacks is
     * looked up on the elements, which answer without its metadata.
     */
    private static void awaitNoSagaUnfinished(ServerProcess server) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonNode sagas = get(server, "/api/v1/admin/sagas").path("sagas");
            if (sagas.isArray() && sagas.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("recovery left sagas unfinished after " + TIMEOUT + ": " + sagas + "\n" + server.log());
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static void awaitCrashPoint(ServerProcess server, Path reached) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(reached)) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited before the crash point:\n" + server.log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the crash point was not reached within " + TIMEOUT + ":\n" + server.log());
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static JsonNode get(ServerProcess server, String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) server.uri(path).toURL().openConnection();
        return JSON.readTree(ServerProcess.body(connection));
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
