package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.service.Placement;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.storage.embedded.InMemoryCapacityReservations;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.http.HttpStorageElement.BreakerState;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import io.artstore.ingester.storage.http.HttpStorageSettings.Timeouts;
import io.artstore.ingester.storage.http.HttpStorageSettings.Tls;
import io.artstore.ingester.storage.http.fixture.SeAccounts;
import io.artstore.ingester.storage.http.fixture.SeAccounts.Principal;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import io.artstore.ingester.storage.http.fixture.StorageElementServer.Options;
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each fault of a storage element leads to the designed behaviour of the adapter. */
class HttpStorageElementFaultsTest {

    @TempDir
    Path root;

    private SeFixtures fixtures;

    @BeforeEach
    void startFixtures() {
        fixtures = new SeFixtures(root, true);
    }

    @AfterEach
    void stopFixtures() {
        fixtures.close();
    }

    // --- Transport ---

    @Test
    void requests_go_over_http1_1_as_the_se_speaks_no_http2_even_over_tls() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);

        storeSome(element);

        assertThat(server.protocolsSeen()).containsOnly("HTTP/1.1");
    }

    // --- Retries ---

    @Test
    void an_idempotent_call_is_retried_through_a_burst_of_5xx_and_succeeds() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        FileId fileId = storeSome(element);
        server.faults().failNext(2, 503);
        long before = server.apiRequests();

        assertThat(element.stat(fileId)).isPresent();

        assertThat(server.apiRequests() - before).isEqualTo(3);
        assertThat(element.breakerState()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void retries_give_up_after_the_configured_number_with_unavailable() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        FileId fileId = storeSome(element);
        server.faults().failNext(4, 502);
        long before = server.apiRequests();

        assertIngestFailure(() -> element.stat(fileId), Kind.UNAVAILABLE, "se_unavailable");

        assertThat(server.apiRequests() - before).isEqualTo(1 + SeFixtures.QUICK.maxRetries());
    }

    @Test
    void an_upload_whose_content_was_sent_is_not_sent_again() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        // A full disk is answered with a 500 after the SE read the whole body.
        server.faults().freeSpace(0);
        StoreRequest request = aStoreRequest().build();
        long before = server.apiRequests();

        assertIngestFailure(() -> element.store(request, new ByteArrayInputStream(randomBytes(300_000, 1))),
                Kind.INSUFFICIENT_STORAGE, "insufficient_storage");

        // One upload and, as its answer was a failure, at most the question whether it landed anyway and a
        // fresh look at the free space.
        assertThat(server.apiRequests() - before).isBetween(1L, 3L);
        server.faults().clear();
        assertThat(element.stat(request.fileId())).isEmpty();
        fixtures.assertNoLeftovers();
    }

    @Test
    void an_upload_refused_before_its_content_was_read_is_sent_again() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().failNext(2, 503);
        StoreRequest request = aStoreRequest().build();
        byte[] bytes = randomBytes(300_000, 1);
        long before = server.apiRequests();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        // Two refused uploads, the one that landed, then the PATCH; no read-back.
        assertThat(server.apiRequests() - before).isEqualTo(4);
        assertThat(stored.fileSize()).isEqualTo(bytes.length);
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
        assertThat(element.breakerState()).isEqualTo(BreakerState.CLOSED);
        fixtures.assertNoLeftovers();
    }

    @Test
    void a_stalled_answer_times_out_as_unavailable_and_the_element_recovers() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        FileId fileId = storeSome(fixtures.element(server, Mode.EDIT));
        HttpStorageElement impatient = fixtures.element(fixtures.settings(server, Mode.EDIT, 0)
                .withTimeouts(new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ZERO)));
        server.faults().stall(Duration.ofSeconds(30));

        assertThatThrownBy(() -> impatient.stat(fileId)).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.code()).isEqualTo("se_unreachable");
            assertThat(e.getMessage()).contains("timed out");
        });

        server.faults().clear();
        assertThat(impatient.stat(fileId)).isPresent();
    }

    @Test
    void added_latency_within_the_timeouts_is_only_slower() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().latency(Duration.ofMillis(100));

        FileId fileId = storeSome(element);

        assertThat(element.stat(fileId)).isPresent();
        assertThat(element.breakerState()).isEqualTo(BreakerState.CLOSED);
    }

    // --- Circuit breaker ---

    @Test
    void the_circuit_opens_after_repeated_failures_and_describe_reports_unavailable() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        FileId fileId = storeSome(element);
        server.faults().failNext(1_000, 503);

        for (int call = 0; call < 5 && element.breakerState() != BreakerState.OPEN; call++) {
            assertThatThrownBy(() -> element.stat(fileId)).isInstanceOf(IngestException.class);
        }

        assertThat(element.breakerState()).isEqualTo(BreakerState.OPEN);
        assertThat(element.describe().health()).isEqualTo(Health.UNAVAILABLE);
        long before = server.apiRequests();
        assertIngestFailure(() -> element.stat(fileId), Kind.UNAVAILABLE, "se_circuit_open");
        assertThat(server.apiRequests()).as("an open circuit sends nothing").isEqualTo(before);
    }

    @Test
    void a_half_open_circuit_is_degraded_and_closes_after_the_configured_successes() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        Resilience shortOpen = new Resilience(2, 4, Duration.ofMillis(200), 2, 0, Duration.ofMillis(10),
                Duration.ofMillis(20), 0, 8, Duration.ofSeconds(5));
        HttpStorageElement element = fixtures.element(fixtures.settings(server, Mode.EDIT, 0).withResilience(shortOpen));
        FileId fileId = storeSome(element);
        server.faults().failNext(2, 503);
        for (int call = 0; call < 2; call++) {
            assertThatThrownBy(() -> element.stat(fileId)).isInstanceOf(IngestException.class);
        }
        assertThat(element.breakerState()).isEqualTo(BreakerState.OPEN);

        awaitDescribedHealth(element, Health.DEGRADED, Duration.ofSeconds(10));
        assertThat(element.stat(fileId)).isPresent();
        assertThat(element.breakerState()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(element.stat(fileId)).isPresent();

        assertThat(element.breakerState()).isEqualTo(BreakerState.CLOSED);
        assertThat(element.describe().health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void the_selector_moves_to_another_element_once_the_circuit_of_the_first_is_open() {
        StorageElementServer first = fixtures.start(Mode.EDIT, 0);
        StorageElementServer second = fixtures.start(Mode.EDIT, 1);
        HttpStorageElement preferred = fixtures.element(fixtures.settings(first, Mode.EDIT, 0));
        HttpStorageElement fallback = fixtures.element(fixtures.settings(second, Mode.EDIT, 1));
        StorageElementSelector selector = new StorageElementSelector(
                new StaticStorageElements(List.of(preferred, fallback)), new InMemoryCapacityReservations(),
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        first.faults().failNext(1_000, 503);

        for (int upload = 0; upload < 10 && preferred.breakerState() != BreakerState.OPEN; upload++) {
            try (Placement placement = selector.place(Mode.EDIT, Optional.empty(), OptionalLong.of(1_000))) {
                assertThat(placement.element()).isSameAs(preferred);
                assertThatThrownBy(() -> placement.element().store(aStoreRequest().build(),
                        new ByteArrayInputStream(randomBytes(1_000, 2)))).isInstanceOf(IngestException.class);
            }
        }
        assertThat(preferred.breakerState()).isEqualTo(BreakerState.OPEN);

        try (Placement placement = selector.place(Mode.EDIT, Optional.empty(), OptionalLong.of(1_000))) {
            assertThat(placement.element()).isSameAs(fallback);
            StoreRequest request = aStoreRequest().build();
            placement.element().store(request, new ByteArrayInputStream(randomBytes(1_000, 3)));
            assertThat(fallback.stat(request.fileId())).isPresent();
        }
        fixtures.assertNoLeftovers();
    }

    @Test
    void a_full_disk_fails_the_upload_and_the_selector_moves_to_an_element_with_room() {
        StorageElementServer full = fixtures.start(Mode.RW, 0);
        StorageElementServer roomy = fixtures.start(Mode.RW, 1);
        HttpStorageElement preferred = fixtures.element(fixtures.settings(full, Mode.RW, 0)
                .withCapacityCacheTtl(Duration.ofMillis(1)));
        HttpStorageElement fallback = fixtures.element(fixtures.settings(roomy, Mode.RW, 1));
        full.faults().freeSpace(0);

        assertIngestFailure(() -> preferred.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(500, 4))),
                Kind.INSUFFICIENT_STORAGE, "insufficient_storage");
        assertThat(preferred.describe().capacity().availableBytes()).isZero();

        StorageElementSelector selector = new StorageElementSelector(
                new StaticStorageElements(List.of(preferred, fallback)), new InMemoryCapacityReservations(),
                StorageElementSelector.DEFAULT_GROWTH_STEP);
        try (Placement placement = selector.place(Mode.RW, Optional.empty(), OptionalLong.of(500))) {
            assertThat(placement.element()).isSameAs(fallback);
        }
        fixtures.assertNoLeftovers();
    }

    // --- Half-written uploads ---

    @Test
    void a_connection_reset_half_way_through_the_body_leaves_nothing_on_the_element() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().resetUploadsAfter(256 * 1024);
        StoreRequest request = aStoreRequest().build();
        byte[] bytes = randomBytes(2 * 1024 * 1024, 5);

        assertIngestFailure(() -> element.store(request, new ByteArrayInputStream(bytes)), Kind.UNAVAILABLE, "se_unreachable");

        server.faults().clear();
        assertThat(element.stat(request.fileId())).isEmpty();
        assertThat(SeFixtures.storedFiles(server.dataFolder())).isEmpty();
        fixtures.assertNoLeftovers();
        element.store(request, new ByteArrayInputStream(bytes));
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
    }

    @Test
    void an_upload_whose_answer_was_lost_is_found_on_the_element_and_completed() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().loseUploadAnswers(true);
        StoreRequest request = aStoreRequest().metadata(Map.of("project", "atlas")).build();
        byte[] bytes = randomBytes(200_000, 8);

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        assertThat(stored.metadata()).containsEntry("project", "atlas");
        assertThat(SeFixtures.attrMetadata(server.dataFolder(), request.fileId())).isEqualTo(Map.of("project", "atlas"));
        assertThat(element.stat(request.fileId()).map(FileAttributes::checksum)).contains(stored.checksum());
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
    }

    // --- Readiness ---

    @Test
    void describe_probes_readiness_instead_of_trusting_the_capacity_answer() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(fixtures.settings(server, Mode.EDIT, 0)
                .withCapacityCacheTtl(Duration.ofMillis(1)));
        assertThat(element.describe().health()).isEqualTo(Health.HEALTHY);
        assertThat(element.describe().capacity().availableBytes()).isPositive();

        server.faults().unready(true);

        awaitDescribedHealth(element, Health.UNAVAILABLE, Duration.ofSeconds(10));
    }

    // --- TLS ---

    @Test
    void a_wrong_pin_fails_clearly_and_names_the_element_and_its_pins() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        String otherPin = SeFixtures.authority().issueServer().pin();
        HttpStorageSettings settings = fixtures.settings(server, Mode.EDIT, 0).withPins(List.of(otherPin));
        HttpStorageElement element = fixtures.element(settings);

        assertThatThrownBy(() -> element.stat(FileId.random())).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("tls_handshake_failed");
            assertThat(e.getMessage()).contains(settings.id().value()).contains(otherPin);
        });
        assertThat(element.tlsFailure()).hasValueSatisfying(failure -> assertThat(failure.reason()).isEqualTo("pin_mismatch"));
        assertThat(server.apiRequests()).as("nothing reaches an element that fails its pin").isZero();
    }

    @Test
    void a_server_that_speaks_only_tls_1_2_is_refused_by_default_and_accepted_when_allowed() {
        StorageElementServer server = fixtures.start(Options.plain("se-tls12", Mode.EDIT, root.resolve("se-tls12"))
                .withTls(new StorageElementServer.Tls(SeFixtures.authority().issueServer(), "TLSv1.2")));
        HttpStorageSettings strict = fixtures.settings(server, Mode.EDIT, 0).withPins(List.of());

        assertIngestFailure(() -> fixtures.element(strict).stat(FileId.random()), Kind.UNAVAILABLE, "tls_handshake_failed");

        HttpStorageElement lenient = fixtures.element(strict.withTls(strict.tls().withMinVersion("TLSv1.2")));
        assertThat(lenient.stat(FileId.random())).isEmpty();
    }

    @Test
    void an_expired_certificate_is_refused() {
        StorageElementServer server = fixtures.start(Options.plain("se-expired", Mode.EDIT, root.resolve("se-expired"))
                .withTls(new StorageElementServer.Tls(SeFixtures.authority().issueExpiredServer(), "TLSv1.3")));
        HttpStorageSettings settings = fixtures.settings(server, Mode.EDIT, 0).withPins(List.of());

        assertIngestFailure(() -> fixtures.element(settings).stat(FileId.random()), Kind.UNAVAILABLE, "tls_handshake_failed");
    }

    @Test
    void a_certificate_from_an_unknown_authority_is_refused() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        TestCertificates stranger = TestCertificates.newAuthority();
        Path otherTrust = stranger.writeTrustStore(root.resolve("other-trust.p12"));
        HttpStorageSettings settings = fixtures.settings(server, Mode.EDIT, 0)
                .withTls(Tls.trusting(otherTrust, TestCertificates.PASSWORD));

        HttpStorageElement element = fixtures.element(settings);
        assertIngestFailure(() -> element.stat(FileId.random()), Kind.UNAVAILABLE, "tls_handshake_failed");
        assertThat(element.tlsFailure()).hasValueSatisfying(failure -> {
            assertThat(failure.reason()).isEqualTo("unknown_ca");
            assertThat(failure.message()).contains(element.id().value());
        });
        assertThat(element.describe().health()).isEqualTo(Health.UNAVAILABLE);
    }

    @Test
    void a_probe_that_fails_its_pin_marks_the_element_unavailable_and_says_why() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        String otherPin = SeFixtures.authority().issueServer().pin();
        HttpStorageSettings wrong = fixtures.settings(server, Mode.EDIT, 0).withPins(List.of(otherPin));
        HttpStorageElement element = fixtures.element(wrong);

        assertThat(element.describe().health()).isEqualTo(Health.UNAVAILABLE);
        assertThat(element.tlsFailure()).hasValueSatisfying(failure -> assertThat(failure.reason()).isEqualTo("pin_mismatch"));

        HttpStorageElement right = fixtures.element(fixtures.settings(server, Mode.EDIT, 0));
        assertThat(right.describe().health()).isEqualTo(Health.HEALTHY);
        assertThat(right.tlsFailure()).isEmpty();
    }

    // --- Tokens and roles ---

    @Test
    void a_refused_service_account_token_is_renewed_once_and_the_call_succeeds() {
        SeAccounts accounts = new SeAccounts().serviceAccount("sa_test_ingester_0000abcd", "secret", SeFixtures.SERVICE_ACCOUNT);
        StorageElementServer server = fixtures.start(Options.plain("se-sa", Mode.EDIT, root.resolve("se-sa"))
                .withTls(new StorageElementServer.Tls(SeFixtures.authority().issueServer(), "TLSv1.3")), accounts);
        HttpStorageSettings base = fixtures.settings(server, Mode.EDIT, 0).withPins(List.of());
        HttpStorageElement element = fixtures.element(new HttpStorageSettings(base.id(), base.mode(), base.url(),
                base.priority(), base.pins(), base.tls(), base.timeouts(),
                new ServiceAccount("sa_test_ingester_0000abcd", "secret", server.url()), base.resilience(),
                base.capacityCacheTtl()));
        FileId fileId = storeSome(element);
        assertThat(accounts.tokensIssued()).isEqualTo(1);

        accounts.revokeAll();

        assertThat(element.stat(fileId)).isPresent();
        assertThat(accounts.tokensIssued()).isEqualTo(2);
    }

    @Test
    void a_refused_static_token_is_unavailable_with_a_clear_code() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.accounts().revokeAll();

        assertIngestFailure(() -> element.stat(FileId.random()), Kind.UNAVAILABLE, "se_unauthorized");
    }

    @Test
    void deleting_without_the_operator_role_is_reported_as_forbidden() {
        SeAccounts accounts = new SeAccounts().allow(SeFixtures.TOKEN, Principal.serviceAccount("reader", "user"));
        StorageElementServer server = fixtures.start(Options.plain("se-roles", Mode.EDIT, root.resolve("se-roles"))
                .withTls(new StorageElementServer.Tls(SeFixtures.authority().issueServer(), "TLSv1.3")), accounts);
        HttpStorageElement element = fixtures.element(fixtures.settings(server, Mode.EDIT, 0).withPins(List.of()));
        FileId fileId = storeSome(element);

        assertIngestFailure(() -> element.delete(fileId), Kind.INTERNAL, "se_forbidden");
        assertThat(element.stat(fileId)).isPresent();
    }

    // --- Modes and limits ---

    @Test
    void an_element_whose_real_mode_forbids_uploads_answers_wrong_mode() {
        StorageElementServer server = fixtures.start(Mode.RO);
        HttpStorageElement misconfigured = fixtures.element(server, Mode.EDIT);

        assertIngestFailure(() -> misconfigured.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(10, 6))),
                Kind.CONFLICT, "wrong_mode");
    }

    @Test
    void a_full_bulkhead_refuses_further_calls_as_busy() throws Exception {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        Resilience oneAtATime = new Resilience(5, 10, Duration.ofSeconds(30), 2, 0, Duration.ofMillis(10),
                Duration.ofMillis(20), 0, 1, Duration.ofMillis(50));
        HttpStorageElement element = fixtures.element(fixtures.settings(server, Mode.EDIT, 0).withResilience(oneAtATime));
        FileId fileId = storeSome(element);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StoreRequest slow = aStoreRequest().build();
        // Held once its first block is read: content up to a block is read before the call, the rest during it.
        CompletableFuture<FileAttributes> occupying = CompletableFuture.supplyAsync(() -> element.store(slow,
                new HeldStream(randomBytes(StreamingFilePart.BLOCK + 10_000, 7), StreamingFilePart.BLOCK, reading, release)));
        try {
            assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();

            assertIngestFailure(() -> element.stat(fileId), Kind.UNAVAILABLE, "se_busy");
        } finally {
            release.countDown();
        }
        assertThat(occupying.get().fileId()).isEqualTo(slow.fileId());
        assertThat(element.breakerState()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void an_upload_is_one_post_and_one_patch_that_writes_exactly_the_requests_metadata() throws Exception {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        element.describe();
        server.clearFileRequests();
        Map<String, Object> metadata = Map.of("project", "atlas", "ingester", Map.of("original_size", 1000));
        StoreRequest request = aStoreRequest().metadata(metadata).build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(randomBytes(1_000, 3)));

        assertThat(server.fileRequests()).containsExactly("POST /api/v1/files/upload", "PATCH /api/v1/files/" + request.fileId());
        assertThat(stored.metadata()).isEqualTo(metadata);
        assertThat(SeFixtures.attrMetadata(server.dataFolder(), request.fileId())).isEqualTo(metadata);
        assertThat(element.stat(request.fileId()).orElseThrow().metadata()).as("the SE never returns metadata").isEmpty();
    }

    @Test
    void an_abort_asks_whether_a_copy_it_did_not_see_land_exists_before_it_deletes() throws Exception {
        StorageElementServer server = fixtures.start(Mode.RW);
        HttpStorageElement first = fixtures.element(server, Mode.RW);
        StoreRequest landed = aStoreRequest().build();
        StoreRequest ownStaged = aStoreRequest().build();
        first.stage(landed, new ByteArrayInputStream(randomBytes(300, 5)));
        first.stage(ownStaged, new ByteArrayInputStream(randomBytes(300, 6)));
        server.clearFileRequests();

        assertThat(first.discardStaged(ownStaged.fileId())).isTrue();
        assertThat(server.fileRequests()).as("a copy this process saw land: the delete alone")
                .containsExactly("DELETE /api/v1/gc/" + ownStaged.fileId());

        // After a restart the adapter has not seen either upload land, nor whether a signature was staged beside it.
        HttpStorageElement second = fixtures.element(server, Mode.RW);
        FileId neverLanded = FileId.random();
        server.clearFileRequests();
        assertThat(second.discardStaged(neverLanded)).isFalse();
        assertThat(second.discardStaged(landed.fileId())).isTrue();

        assertThat(server.fileRequests()).containsExactly(
                "GET /api/v1/gc/" + HttpStorageElement.sidecarId(neverLanded, ".sig") + "/exists",
                "GET /api/v1/gc/" + neverLanded + "/exists",
                "GET /api/v1/gc/" + HttpStorageElement.sidecarId(landed.fileId(), ".sig") + "/exists",
                "GET /api/v1/gc/" + landed.fileId() + "/exists", "DELETE /api/v1/gc/" + landed.fileId());
        assertThat(SeFixtures.storedFiles(server.dataFolder())).isEmpty();
    }

    @Test
    void an_abort_after_a_restart_removes_the_signature_staged_beside_the_copy() {
        StorageElementServer server = fixtures.start(Mode.RW);
        HttpStorageElement first = fixtures.element(server, Mode.RW);
        StoreRequest request = aStoreRequest().build();
        first.stage(request, new ByteArrayInputStream(randomBytes(300, 7)));
        first.stageSidecar(request.fileId(), ".sig", "signature".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        FileId signature = HttpStorageElement.sidecarId(request.fileId(), ".sig");
        assertThat(SeFixtures.storedFiles(server.dataFolder())).as("both copies uploaded").isNotEmpty();

        HttpStorageElement second = fixtures.element(server, Mode.RW);
        server.clearFileRequests();
        assertThat(second.discardStaged(request.fileId())).isTrue();

        assertThat(server.fileRequests()).containsExactly(
                "GET /api/v1/gc/" + signature + "/exists", "DELETE /api/v1/gc/" + signature,
                "GET /api/v1/gc/" + request.fileId() + "/exists", "DELETE /api/v1/gc/" + request.fileId());
        assertThat(SeFixtures.storedFiles(server.dataFolder())).isEmpty();
    }

    @Test
    void staging_then_publishing_leaves_no_mark_and_costs_no_more_calls() throws Exception {
        StorageElementServer server = fixtures.start(Mode.RW);
        HttpStorageElement element = fixtures.element(server, Mode.RW);
        element.describe();
        server.clearFileRequests();
        Map<String, Object> metadata = Map.of("k", "v");
        StoreRequest request = aStoreRequest().metadata(metadata).build();

        FileAttributes staged = element.stage(request, new ByteArrayInputStream(randomBytes(500, 4)));
        FileAttributes published = element.publishStaged(request.fileId());

        assertThat(published).isEqualTo(staged);
        assertThat(server.fileRequests()).containsExactly("POST /api/v1/files/upload", "PATCH /api/v1/files/" + request.fileId());
        assertThat(SeFixtures.attrMetadata(server.dataFolder(), request.fileId())).isEqualTo(metadata);
    }

    @Test
    void only_staged_copies_are_remembered_so_a_stored_file_removed_elsewhere_is_not_reported_staged() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        HttpStorageElement other = fixtures.element(server, Mode.EDIT);
        FileId fileId = storeSome(element);

        assertThat(other.delete(fileId)).isTrue();

        assertThat(element.staged(fileId)).isEmpty();
    }

    @Test
    void a_full_disk_answered_500_is_told_apart_as_no_room_and_leaves_nothing() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().freeSpace(1_500);
        storeSome(element); // takes 1,000 of the 1,500 bytes

        StoreRequest request = aStoreRequest().build();
        assertThatThrownBy(() -> element.store(request, new ByteArrayInputStream(randomBytes(1_000, 5))))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    // The SE's 500 says nothing of space; its capacity, asked again, tells that the file did not fit.
                    assertThat(e.code()).isEqualTo("insufficient_storage");
                    assertThat(e.getCause()).hasMessageContaining("HTTP 500").hasMessageContaining("Failed to create file");
                });
        assertThat(element.stat(request.fileId())).isEmpty();
    }

    // --- Helpers ---

    private static FileId storeSome(HttpStorageElement element) {
        StoreRequest request = aStoreRequest().build();
        element.store(request, new ByteArrayInputStream(randomBytes(1_000, request.fileId().hashCode())));
        return request.fileId();
    }

    private static byte[] readAll(HttpStorageElement element, FileId fileId) {
        try (InputStream in = element.open(fileId).orElseThrow()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Polls {@code describe()} until it reports {@code health}, failing after {@code within}. */
    private static void awaitDescribedHealth(HttpStorageElement element, Health health, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (element.describe().health() != health) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("storage element " + element.id() + " did not become " + health + " within " + within);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private static void assertIngestFailure(ThrowingCallable call, Kind kind, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
            if (code != null) {
                assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            }
        });
    }

    /** Gives its bytes only once released, after saying that it is being read. */
    /** Delivers its first {@code freeBytes} at once; a read after them waits until released. */
    private static final class HeldStream extends InputStream {
        private final ByteArrayInputStream bytes;
        private final int freeBytes;
        private final CountDownLatch reading;
        private final CountDownLatch release;
        private int delivered;

        HeldStream(byte[] bytes, int freeBytes, CountDownLatch reading, CountDownLatch release) {
            this.bytes = new ByteArrayInputStream(bytes);
            this.freeBytes = freeBytes;
            this.reading = reading;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (delivered < freeBytes) {
                int read = bytes.read(b, off, Math.min(len, freeBytes - delivered));
                delivered += Math.max(read, 0);
                return read;
            }
            reading.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            return bytes.read(b, off, len);
        }
    }
}
