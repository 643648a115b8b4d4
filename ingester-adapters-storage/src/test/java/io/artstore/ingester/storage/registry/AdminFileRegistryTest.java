package io.artstore.ingester.storage.registry;

import io.artstore.ingester.storage.fixture.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DeletionReason;
import io.artstore.ingester.core.port.out.FileRegistration;
import io.artstore.ingester.core.port.out.Finalization;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleHandler;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry adapter against the admin-module fixture: bodies, order, retries, duplicates and restarts. */
class AdminFileRegistryTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_ID = "sa_test_ingester_0a1b2c3d";
    private static final String SECRET = "registry-secret";

    @TempDir
    Path folder;

    private final AdminModuleServer admin = AdminModuleServer.start(
            new AdminAccounts().serviceAccount(CLIENT_ID, SECRET, "admin", 10_000));
    private AdminFileRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
        admin.close();
    }

    private AdminFileRegistry open() {
        RegistrySettings settings = RegistrySettings.of(admin.url(), new ServiceAccount(CLIENT_ID, SECRET, admin.url()),
                folder.resolve("registry")).withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(200));
        registry = AdminFileRegistry.start(settings, Clock.systemUTC());
        return registry;
    }

    @Test
    void a_registration_lists_exactly_what_the_element_stored_and_what_the_client_sent() throws Exception {
        FileRegistration registration = temporary(FileId.random());

        open().register(registration);
        awaitDelivered();

        JsonNode entry = admin.entry(registration.fileId().toString()).orElseThrow();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("file_id", registration.fileId().toString());
        expected.put("original_filename", "Отчёт 2026.pdf");
        expected.put("storage_filename", "Отчёт 2026_ivan_20261207T010000_" + registration.fileId() + ".pdf");
        expected.put("file_size", 5_000);
        expected.put("checksum_sha256", "ab".repeat(32));
        expected.put("content_type", "application/pdf");
        expected.put("description", "annual report");
        expected.put("retention_policy", "temporary");
        expected.put("ttl_expires_at", "2026-12-14T01:00:00Z");
        expected.put("ttl_days", 7);
        expected.put("storage_element_id", "se-edit-01");
        expected.put("storage_path", "2026/12/07/01/");
        expected.put("compressed", true);
        expected.put("compression_algorithm", "brotli");
        expected.put("original_size", 5_000);
        expected.put("uploaded_by", "u-42");
        expected.put("upload_source_ip", "192.0.2.10");
        expected.put("user_metadata", Map.of("case", "A-17", "pages", 12));
        expected.forEach((field, value) ->
                assertThat(entry.get(field)).as(field).isEqualTo(JSON.valueToTree(value)));
        assertThat(entry.path("is_temporary").asBoolean()).isTrue();
        assertThat(admin.creations(registration.fileId().toString())).isEqualTo(1);
    }

    @Test
    void a_permanent_registration_sends_null_ttl_and_no_compression() {
        FileId id = FileId.random();
        FileRegistration permanent = new FileRegistration(id, "a.txt", "a_anonymous_x_" + id + ".txt", 3,
                Sha256.parse("cd".repeat(32)), "text/plain", Optional.empty(), RetentionPolicy.PERMANENT, Optional.empty(),
                StorageElementId.of("se-rw-01"), "2026/12/07/01/", Optional.empty(), "anonymous", Optional.empty(), Map.of());

        open().register(permanent);
        awaitDelivered();

        JsonNode entry = admin.entry(id.toString()).orElseThrow();
        assertThat(entry.path("ttl_days").isNull()).isTrue();
        assertThat(entry.path("ttl_expires_at").isNull()).isTrue();
        assertThat(entry.path("compressed").asBoolean()).isFalse();
        assertThat(entry.path("compression_algorithm").isNull()).isTrue();
        assertThat(entry.path("user_metadata").isNull()).isTrue();
        assertThat(entry.path("uploaded_by").asText()).isEqualTo("anonymous");
    }

    @Test
    void calls_about_one_file_arrive_in_order_finalize_then_soft_delete() {
        FileId id = FileId.random();
        AdminFileRegistry registry = open();
        registry.register(temporary(id));
        registry.markFinalized(id, new Finalization(StorageElementId.of("se-rw-01"), "2026/12/08/09/",
                Instant.parse("2026-12-08T09:10:11Z")));
        registry.softDelete(id, DeletionReason.MANUAL);
        awaitDelivered();

        JsonNode entry = admin.entry(id.toString()).orElseThrow();
        assertThat(entry.path("retention_policy").asText()).isEqualTo("permanent");
        assertThat(entry.path("ttl_days").isNull()).isTrue();
        assertThat(entry.path("ttl_expires_at").isNull()).isTrue();
        assertThat(entry.path("storage_element_id").asText()).isEqualTo("se-rw-01");
        assertThat(entry.path("storage_path").asText()).isEqualTo("2026/12/08/09/");
        assertThat(entry.path("finalized_at").asText()).isEqualTo("2026-12-08T09:10:11Z");
        assertThat(entry.path("is_deleted").asBoolean()).isTrue();
        assertThat(entry.path("deletion_reason").asText()).isEqualTo("manual");
        assertThat(admin.requests()).filteredOn(seen -> seen.path().startsWith("/api/v1/files"))
                .extracting(AdminModuleHandler.Seen::method).containsExactly("POST", "PUT", "DELETE");
    }

    @Test
    void a_429_is_retried_no_sooner_than_its_retry_after() {
        admin.faults().throttleEvery(1, 1);
        FileId id = FileId.random();
        open().register(temporary(id));
        Eventually.await("the first request was throttled", WITHIN, () -> admin.requests().stream().anyMatch(s -> s.status() == 429));
        admin.faults().clear();
        awaitDelivered();

        List<AdminModuleHandler.Seen> posts = admin.requests().stream().filter(s -> s.method().equals("POST")
                && s.path().equals("/api/v1/files")).toList();
        assertThat(posts.get(0).status()).isEqualTo(429);
        assertThat(posts.get(posts.size() - 1).status()).isEqualTo(201);
        assertThat(Duration.between(posts.get(0).at(), posts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(admin.creations(id.toString())).isEqualTo(1);
    }

    @Test
    void an_unreachable_admin_module_delays_registrations_and_loses_none() {
        admin.down();
        AdminFileRegistry registry = open();
        List<FileId> ids = List.of(FileId.random(), FileId.random(), FileId.random());
        ids.forEach(id -> registry.register(temporary(id)));
        Eventually.await("a failure was reported", WITHIN, () -> registry.status().lastError().isPresent());
        assertThat(registry.status().pending()).isEqualTo(3);
        assertThat(registry.status().oldestPendingSince()).isPresent();

        admin.up();
        awaitDelivered();

        ids.forEach(id -> assertThat(admin.creations(id.toString())).as(id.toString()).isEqualTo(1));
        assertThat(registry.status().failed()).isZero();
    }

    @Test
    void a_duplicate_refusal_of_our_own_lost_registration_is_checked_and_taken_as_done() {
        admin.faults().loseNextAnswers(1);
        FileId id = FileId.random();

        AdminFileRegistry registry = open();
        registry.register(temporary(id));
        awaitDelivered();

        assertThat(admin.requests()).filteredOn(seen -> seen.path().startsWith("/api/v1/files"))
                .extracting(AdminModuleHandler.Seen::method, AdminModuleHandler.Seen::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", 0), org.assertj.core.groups.Tuple.tuple("POST", 400),
                        org.assertj.core.groups.Tuple.tuple("GET", 200));
        assertThat(admin.creations(id.toString())).isEqualTo(1);
        assertThat(registry.status().failed()).isZero();
    }

    @Test
    void a_duplicate_id_held_by_another_file_is_recorded_as_failed_and_reported() {
        FileId id = FileId.random();
        AdminFileRegistry registry = open();
        registry.register(temporary(id));
        awaitDelivered();

        FileRegistration other = new FileRegistration(id, "other.bin", "other_" + id, 9, Sha256.parse("ef".repeat(32)),
                "application/octet-stream", Optional.empty(), RetentionPolicy.PERMANENT, Optional.empty(),
                StorageElementId.of("se-rw-02"), "2026/12/07/02/", Optional.empty(), "anonymous", Optional.empty(), Map.of());
        registry.register(other);
        Eventually.await("the conflict is recorded", WITHIN, () -> registry.status().failed() == 1);

        assertThat(registry.status().pending()).isZero();
        assertThat(registry.status().lastError().orElseThrow().message()).contains("another file", "ef".repeat(32));
        assertThat(admin.entry(id.toString()).orElseThrow().path("checksum_sha256").asText()).isEqualTo("ab".repeat(32));
    }

    @Test
    void a_refused_call_is_recorded_as_failed_and_does_not_hold_up_the_next() {
        FileId missing = FileId.random();
        FileId next = FileId.random();
        AdminFileRegistry registry = open();
        registry.markFinalized(missing, new Finalization(StorageElementId.of("se-rw-01"), "2026/12/07/01/", Instant.now()));
        registry.register(temporary(next));
        awaitDelivered();

        assertThat(registry.status().failed()).isEqualTo(1);
        assertThat(registry.status().lastError().orElseThrow().message()).contains("404");
        assertThat(admin.creations(next.toString())).isEqualTo(1);
    }

    @Test
    void soft_deleting_a_file_the_registry_never_listed_is_done() {
        AdminFileRegistry registry = open();
        registry.softDelete(FileId.random(), DeletionReason.GC_CLEANUP);
        awaitDelivered();

        assertThat(registry.status().failed()).isZero();
        assertThat(registry.status().delivered()).isEqualTo(1);
    }

    @Test
    void calls_pending_at_shutdown_are_delivered_after_the_next_start() {
        admin.down();
        AdminFileRegistry first = open();
        List<FileId> ids = List.of(FileId.random(), FileId.random());
        ids.forEach(id -> first.register(temporary(id)));
        first.softDelete(ids.get(1), DeletionReason.GC_CLEANUP);
        first.close();
        registry = null;

        admin.up();
        AdminFileRegistry second = open();
        assertThat(second.status().pending()).isEqualTo(3);
        awaitDelivered();

        ids.forEach(id -> assertThat(admin.creations(id.toString())).isEqualTo(1));
        assertThat(admin.entry(ids.get(1).toString()).orElseThrow().path("deletion_reason").asText()).isEqualTo("gc_cleanup");
        assertThat(admin.entry(ids.get(0).toString()).orElseThrow().path("is_deleted").asBoolean()).isFalse();
    }

    @Test
    void find_reads_the_entry_now_and_knows_no_missing_or_soft_deleted_file() {
        FileId id = FileId.random();
        AdminFileRegistry registry = open();
        assertThat(registry.find(id)).isEmpty();

        registry.register(temporary(id));
        awaitDelivered();
        assertThat(registry.find(id)).hasValueSatisfying(found -> {
            assertThat(found.retention()).isEqualTo(RetentionPolicy.TEMPORARY);
            assertThat(found.elementId()).isEqualTo(StorageElementId.of("se-edit-01"));
            assertThat(found.finalizedAt()).isEmpty();
        });

        registry.markFinalized(id, new Finalization(StorageElementId.of("se-rw-01"), "2026/12/08/09/",
                Instant.parse("2026-12-08T09:10:11Z")));
        awaitDelivered();
        assertThat(registry.find(id)).hasValueSatisfying(found -> {
            assertThat(found.retention()).isEqualTo(RetentionPolicy.PERMANENT);
            assertThat(found.elementId()).isEqualTo(StorageElementId.of("se-rw-01"));
            assertThat(found.finalizedAt()).contains(Instant.parse("2026-12-08T09:10:11Z"));
        });

        registry.softDelete(id, DeletionReason.MANUAL);
        awaitDelivered();
        assertThat(registry.find(id)).isEmpty();
    }

    private void awaitDelivered() {
        Eventually.await("the outbox is empty", WITHIN, () -> registry.status().pending() == 0);
    }

    private static FileRegistration temporary(FileId id) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("case", "A-17");
        metadata.put("pages", 12);
        return new FileRegistration(id, "Отчёт 2026.pdf", "Отчёт 2026_ivan_20261207T010000_" + id + ".pdf", 5_000,
                Sha256.parse("ab".repeat(32)), "application/pdf", Optional.of("annual report"), RetentionPolicy.TEMPORARY,
                Optional.of(new FileRegistration.Ttl(Instant.parse("2026-12-14T01:00:00Z"), 7)),
                StorageElementId.of("se-edit-01"), "2026/12/07/01/", Optional.of(CompressionAlgorithm.BROTLI), "u-42",
                Optional.of("192.0.2.10"), metadata);
    }
}
