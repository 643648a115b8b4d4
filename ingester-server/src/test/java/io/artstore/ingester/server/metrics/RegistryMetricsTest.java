package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The file registry's outbox at {@code /metrics}: its depth and age while the admin module is down, then its deliveries. */
class RegistryMetricsTest {

    private static final String CLIENT_ID = "sa_test_ingester_1a2b3c4d";
    private static final String SECRET = "metrics-test-secret";

    private final AdminModuleServer admin = AdminModuleServer.start(
            new AdminAccounts().serviceAccount(CLIENT_ID, SECRET, "admin", 10_000));
    private final TestServer server = TestServer.builder()
            .registry(admin.url(), CLIENT_ID, SECRET)
            .start();

    @AfterEach
    void close() {
        server.close();
        admin.close();
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(server.get("/metrics").body());
    }

    @Test
    void the_outbox_depth_and_age_grow_while_the_admin_module_is_down_and_deliveries_count_after() {
        admin.down();
        assertThat(server.upload("?target_mode=rw", Multipart.form().file("file", "a.txt", "text/plain", new byte[] {1, 2, 3}))
                .status()).isEqualTo(201);

        TestServer.await("the outbox holds the call", () -> scrape().sum("artstore_registry_outbox_pending", Map.of()) == 1);
        PrometheusText waiting = scrape();
        assertThat(waiting.family("artstore_registry_outbox_oldest_age_seconds").orElseThrow().type()).isEqualTo("gauge");
        assertThat(waiting.sum("artstore_registry_calls_total", Map.of("outcome", "delivered"))).isZero();

        admin.up();
        TestServer.await("the outbox is empty", () -> scrape().sum("artstore_registry_outbox_pending", Map.of()) == 0);
        PrometheusText delivered = scrape();
        assertThat(delivered.sum("artstore_registry_calls_total", Map.of("outcome", "delivered"))).isEqualTo(1);
        assertThat(delivered.sum("artstore_registry_outbox_oldest_age_seconds", Map.of())).isZero();
        assertThat(delivered.sum("artstore_registry_calls_total", Map.of("outcome", "failed"))).isZero();
    }
}
