package io.artstore.ingester.storage.registry;

import io.artstore.ingester.storage.fixture.Eventually;
import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.StepFaults;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The add and delete sagas over the real outbox and relay, against the admin-module fixture. */
class RegistrySagasTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path folder;

    private final AdminModuleServer admin = AdminModuleServer.start(
            new AdminAccounts().serviceAccount("sa_test_sagas_9a8b7c6d", "secret", "admin", 10_000));
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final List<StorageElement> elements = List.of(edit);
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private AdminFileRegistry registry;

    @AfterEach
    void close() {
        registry.close();
        admin.close();
    }

    private FileSagas process() {
        registry = AdminFileRegistry.start(RegistrySettings.of(admin.url(),
                new ServiceAccount("sa_test_sagas_9a8b7c6d", "secret", admin.url()), folder.resolve("registry"))
                .withRetryDelays(Duration.ofMillis(20), Duration.ofMillis(200)), Clock.systemUTC());
        return new FileSagas(new FileSagas.Ports(() -> elements, new FakeCapacityReservations(), catalog,
                new RecordingEventPublisher(), new InMemoryLocks(), new InMemorySagaLog()), ManualClock.atSomeInstant(),
                Optional.empty(), registry);
    }

    @Test
    void an_add_undone_after_its_registration_leaves_the_entry_soft_deleted_as_gc_cleanup() {
        FileSagas process = process();
        process.addFaults().arm(3, StepFaults.Kind.FAIL_BEFORE); // publish-stored, the pivot

        assertThatThrownBy(() -> process.add().add(anAddFileCommand().build(),
                new ByteArrayInputStream("undone".getBytes(StandardCharsets.UTF_8)))).isInstanceOf(IngestException.class);
        assertThat(process.addFaults().calls()).contains("undo " + AddFileSaga.REGISTER_FILE);
        String id = process.addFaults().lastData().orElseThrow().fileId().toString();
        Eventually.await("the outbox is empty", WITHIN, () -> registry.status().pending() == 0);

        JsonNode entry = admin.entry(id).orElseThrow();
        assertThat(entry.path("is_deleted").asBoolean()).isTrue();
        assertThat(entry.path("deletion_reason").asText()).isEqualTo("gc_cleanup");
        assertThat(admin.creations(id)).isEqualTo(1);
    }

    @Test
    void a_deleted_file_is_soft_deleted_as_manual_and_a_kept_one_stays_listed() {
        FileSagas process = process();
        FileId kept = process.add().add(anAddFileCommand().build(), new ByteArrayInputStream("kept".getBytes(StandardCharsets.UTF_8)))
                .entry().fileId();
        FileId deleted = process.add().add(anAddFileCommand().build(),
                new ByteArrayInputStream("deleted".getBytes(StandardCharsets.UTF_8))).entry().fileId();

        process.delete().delete(deleted);
        Eventually.await("the outbox is empty", WITHIN, () -> registry.status().pending() == 0);

        assertThat(admin.entry(deleted.toString()).orElseThrow().path("deletion_reason").asText()).isEqualTo("manual");
        assertThat(admin.entry(kept.toString()).orElseThrow().path("is_deleted").asBoolean()).isFalse();
    }
}
