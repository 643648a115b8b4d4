package io.artstore.ingester.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * 1,000 uploads through the HTTP API while the admin module answers every third registry request with 429
 * ({@code Retry-After: 0}, so that the run stays short; waiting out a longer {@code Retry-After} is checked by
 * {@code AdminFileRegistryTest}) and, once 300 files are registered, refuses connections for 20 s. In the end every
 * file is registered exactly once, and nothing is pending or failed.
 */
class FileRegistryLoadIT {

    private static final int UPLOADS = 1_000;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration DEADLINE = Duration.ofMinutes(4);
    private static final String CLIENT_ID = "sa_test_ingester_5e6f7a8b";
    private static final String SECRET = "load-test-secret";

    @Test
    void a_thousand_uploads_are_each_registered_exactly_once_through_throttling_and_an_outage() throws Exception {
        try (AdminModuleServer admin = AdminModuleServer.start(
                new AdminAccounts().serviceAccount(CLIENT_ID, SECRET, "admin", 1_000_000));
                TestServer server = TestServer.builder()
                        .env("AUTH_ADMIN_MODULE_URL", admin.url().toString())
                        .env("SERVICE_ACCOUNT_CLIENT_ID", CLIENT_ID)
                        .env("SERVICE_ACCOUNT_CLIENT_SECRET", SECRET)
                        .env("INGESTER_REGISTRY_RETRY_DELAY", "20ms")
                        .env("INGESTER_REGISTRY_MAX_RETRY_DELAY", "1s")
                        .start()) {
            admin.faults().throttleEvery(3, 0);
            Set<String> uploaded = ConcurrentHashMap.newKeySet();
            long start = System.nanoTime();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            try {
                for (int i = 0; i < UPLOADS; i++) {
                    int n = i;
                    futures.add(clients.submit(() -> {
                        Reply reply = server.upload("?target_mode=" + (n % 2 == 0 ? "edit" : "rw"), Multipart.form()
                                .field("metadata", "{\"n\":" + n + "}")
                                .file("file", "load-" + n + ".txt", "text/plain", ("file number " + n).getBytes(StandardCharsets.UTF_8)));
                        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
                        uploaded.add(reply.json().path("file_id").asText());
                    }));
                }
                await("300 files are registered", () -> admin.entries().size() >= 300);
                admin.downFor(OUTAGE);
                for (Future<?> future : futures) {
                    future.get();
                }
                long uploadsDone = System.nanoTime();
                Duration uploading = Duration.ofNanos(uploadsDone - start);
                await("every upload is registered and the outbox is empty", () -> admin.entries().size() >= UPLOADS
                        && server.status().path("registry").path("pending").asLong() == 0);
                Duration total = Duration.ofNanos(System.nanoTime() - start);
                Duration drain = Duration.ofNanos(System.nanoTime() - uploadsDone);

                JsonNode registry = server.status().path("registry");
                assertThat(uploaded).hasSize(UPLOADS);
                assertThat(admin.entries().keySet()).isEqualTo(uploaded);
                uploaded.forEach(id -> assertThat(admin.creations(id)).as("creations of " + id).isEqualTo(1));
                assertThat(admin.entries().values()).allSatisfy(entry -> assertThat(entry.path("is_deleted").asBoolean()).isFalse());
                assertThat(registry.path("failed").asLong()).isZero();
                long throttled = admin.requests().stream().filter(seen -> seen.status() == 429).count();
                long duplicates = admin.requests().stream().filter(seen -> seen.status() == 400).count();
                assertThat(throttled).as("429 answers").isGreaterThanOrEqualTo(UPLOADS / 3);
                System.out.printf("registry load: %d uploads in %d ms (%d s outage from the 300th registration); all"
                        + " registered %d ms after the start, %d ms after the last upload; %d answers of 429, %d duplicate"
                        + " refusals checked, %d calls delivered%n", UPLOADS, uploading.toMillis(), OUTAGE.toSeconds(),
                        total.toMillis(), drain.toMillis(), throttled, duplicates, registry.path("delivered").asLong());
            } finally {
                clients.shutdownNow();
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + DEADLINE + " waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
