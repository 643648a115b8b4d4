package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Reply;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only {@code admin} and {@code service} tokens (permission {@code sagas:participate}) send saga commands. */
class SagaCommandsAccessTest {

    @TempDir
    Path folder;

    @Test
    void admin_and_service_may_send_commands_and_other_roles_may_not() {
        try (SecureServer secure = SecureServer.start(folder)) {
            String fileId = secure.upload(secure.token("admin", "uploader"), SecureServer.smallFile()).json()
                    .path("file_id").asText();
            String command = "{\"saga_id\":\"saga-" + UUID.randomUUID() + "\",\"step\":\"delete\",\"action\":\"execute\","
                    + "\"operation\":\"delete_file\",\"payload\":{\"file_id\":\"" + fileId + "\"}}";

            for (String role : new String[] {"user", "operator", "readonly", "auditor", "unknown"}) {
                Reply refused = secure.postJson(secure.token(role, "someone"), "/api/v1/saga/commands", command);
                assertThat(refused.status()).as(role + ": " + refused).isEqualTo(403);
            }
            SecureServer.assertUnauthorized(secure.server().post("/api/v1/saga/commands", "application/json",
                    command.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(secure.get(secure.token("admin", "reader"), "/api/v1/files/" + fileId).status())
                    .as("nothing was deleted by a refused command").isEqualTo(200);

            Reply service = secure.postJson(secure.token("service", "admin-module"), "/api/v1/saga/commands", command);
            assertThat(service.status()).as(service.toString()).isEqualTo(200);
            assertThat(service.json().path("outcome").asText()).isEqualTo("succeeded");
            Reply admin = secure.postJson(secure.token("admin", "operator-on-call"), "/api/v1/saga/commands", command);
            assertThat(admin.status()).isEqualTo(200);
            assertThat(admin.body()).as("the duplicate gets the first reply").isEqualTo(service.body());
        }
    }
}
