package io.artstore.ingester.storage.http;

import java.util.Map;
import static io.artstore.ingester.core.testing.AddFileCommandBuilder.anAddFileCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.service.AddFileService;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.FileSagas;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import io.artstore.ingester.core.transfer.TransferFixture;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's add, delete and transfer with both elements remote: {@link HttpStorageElement}s talking TLS 1.3 with
 * pins to an edit and an rw fixture SE, and what lands in the SEs' folders.
 */
class RemoteElementsThroughServicesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CONTENT = "survey of the north wall, 1911\n".repeat(300).getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private RemoteTransferElements remote;
    private TransferFixture fixture;
    private AddFileService add;
    private DeleteFileUseCase delete;

    @BeforeEach
    void startElements() {
        remote = new RemoteTransferElements(root, true);
        fixture = remote.newFixture();
        FileSagas sagas = new FileSagas(new FileSagas.Ports(fixture.elements, new FakeCapacityReservations(), fixture.catalog,
                fixture.events, fixture.locks, new InMemorySagaLog()), new ManualClock(fixture.clock.instant()), Optional.empty());
        add = sagas.add();
        delete = sagas.delete();
    }

    @AfterEach
    void stopElements() {
        remote.close();
    }

    @Test
    void a_transfer_moves_the_file_and_its_signature_file_from_the_edit_se_to_the_rw_se_with_complete_metadata()
            throws IOException {
        SeededFile file = fixture.seed("north wall.pdf");

        TransactionId id = fixture.coordinator().begin(file.fileId(), Optional.empty());

        assertThat(fixture.coordinator().status(id).state()).isEqualTo(TransferState.COMMITTED);
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.rw);
        FileAttributes moved = fixture.catalog.find(file.fileId()).orElseThrow().attributes();
        assertThat(Files.readAllBytes(dataFile(remote.rw, moved))).isEqualTo(file.content());
        JsonNode metadata = attributes(remote.rw, moved).path("metadata");
        JsonNode ingester = metadata.path("ingester");
        assertThat(ingester.path("retention_policy").asText()).isEqualTo("permanent");
        assertThat(ingester.path("original_size").asLong()).isEqualTo(file.content().length);
        assertThat(metadata.path("project").asText()).as("the client's metadata, from the catalogue").isEqualTo("north-wing");
        assertThat(moved.metadata()).as("the catalogue keeps what the SE cannot return")
                .isEqualTo(SeFixtures.attrMetadata(remote.rw.dataFolder(), file.fileId()));
        assertThat(moved.createdByUsername()).isEqualTo("restorer");
        assertThat(fixture.rw.sidecar(file.fileId(), ".sig")).hasValue(file.signature().orElseThrow());
        FileId signatureFile = HttpStorageElement.sidecarId(file.fileId(), ".sig");
        assertThat(SeFixtures.attrMetadata(remote.rw.dataFolder(), signatureFile))
                .as("the signature file records the file it signs")
                .isEqualTo(Map.of("ingester", Map.of("sidecar_of", file.fileId().toString(), "suffix", ".sig")));
        assertThat(SeFixtures.storedFiles(remote.rw.dataFolder())).as("the file, its signature, their attr.json").hasSize(4);
        assertThat(SeFixtures.storedFiles(remote.edit.dataFolder())).isEmpty();
        assertThat(remote.edit.protocolsSeen()).containsOnly("HTTP/1.1");
        assertThat(remote.rw.protocolsSeen()).containsOnly("HTTP/1.1");
        remote.assertNoLeftovers();
    }

    @Test
    void a_restart_builds_new_adapters_that_find_what_the_old_ones_wrote() {
        SeededFile file = fixture.seed("kept.pdf");
        StorageElement before = fixture.edit.underlying();

        fixture.restart();

        assertThat(fixture.edit.underlying()).isNotSameAs(before).isInstanceOf(HttpStorageElement.class);
        assertThat(fixture.edit.bytes(file.fileId())).hasValue(file.content());
        assertThat(fixture.edit.stat(file.fileId()).map(FileAttributes::checksum)).contains(file.checksum());
        assertThat(fixture.edit.sidecar(file.fileId(), ".sig")).hasValue(file.signature().orElseThrow());
    }

    @Test
    void an_added_file_lands_on_the_edit_se_and_a_delete_removes_it_there() throws IOException {
        fixture.edit.describe();
        remote.edit.clearFileRequests();
        AddedFile added = add.add(anAddFileCommand().originalFilename("survey.txt").metadata("case", "A-17").build(),
                new ByteArrayInputStream(CONTENT));

        FileId fileId = added.entry().fileId();
        FileAttributes stored = added.entry().attributes();
        assertThat(remote.edit.fileRequests()).as("the add saga's calls to the SE")
                .containsExactly("POST /api/v1/files/upload", "PATCH /api/v1/files/" + fileId);
        assertThat(Json.read(new String(Json.write(stored.metadata()), StandardCharsets.UTF_8))).as("the catalogue holds exactly what the SE's attr.json holds")
                .isEqualTo(Json.read(new String(Json.write(SeFixtures.attrMetadata(remote.edit.dataFolder(), fileId)), StandardCharsets.UTF_8)));
        assertThat(stored.content().originalSize()).isEqualTo(CONTENT.length);
        assertThat(added.entry().elementId()).isEqualTo(TransferFixture.EDIT_ID);
        assertThat(SeFixtures.storedFiles(remote.edit.dataFolder()))
                .containsExactlyInAnyOrder(dataFile(remote.edit, stored), attributesFile(remote.edit, stored));
        assertThat(Files.readAllBytes(dataFile(remote.edit, stored))).isEqualTo(CONTENT);
        JsonNode attributes = attributes(remote.edit, stored);
        assertThat(attributes.path("file_id").asText()).isEqualTo(fileId.toString());
        assertThat(attributes.path("file_size").asLong()).isEqualTo(CONTENT.length);
        assertThat(attributes.path("checksum").asText()).isEqualTo(stored.checksum().hex());
        assertThat(attributes.path("metadata").path("case").asText()).isEqualTo("A-17");
        assertThat(attributes.path("metadata").path("ingester").path("retention_policy").asText()).isEqualTo("temporary");
        assertThat(SeFixtures.storedFiles(remote.rw.dataFolder())).isEmpty();

        delete.delete(fileId);

        assertThat(SeFixtures.storedFiles(remote.edit.dataFolder())).isEmpty();
        assertThat(fixture.catalog.find(fileId)).isEmpty();
        assertThat(fixture.events.published()).extracting(FileEvent::type)
                .containsExactly(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_DELETED);
        assertThat(fixture.locks.held()).isEmpty();
        remote.assertNoLeftovers();
    }

    @Test
    void a_permanent_file_lands_on_the_rw_se_where_a_delete_is_refused() throws IOException {
        AddedFile added = add.add(anAddFileCommand().mode(Mode.RW).build(), new ByteArrayInputStream(CONTENT));

        FileAttributes stored = added.entry().attributes();
        assertThat(added.entry().elementId()).isEqualTo(TransferFixture.RW_ID);
        assertThat(SeFixtures.storedFiles(remote.rw.dataFolder()))
                .containsExactlyInAnyOrder(dataFile(remote.rw, stored), attributesFile(remote.rw, stored));
        assertThat(attributes(remote.rw, stored).path("metadata").path("ingester").path("retention_policy").asText())
                .isEqualTo("permanent");

        assertThatThrownBy(() -> delete.delete(stored.fileId()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("wrong_mode");
                });

        assertThat(Files.readAllBytes(dataFile(remote.rw, stored))).isEqualTo(CONTENT);
        assertThat(fixture.catalog.find(stored.fileId())).isPresent();
        assertThat(fixture.locks.held()).isEmpty();
        remote.assertNoLeftovers();
    }

    private static Path dataFile(StorageElementServer server, FileAttributes file) {
        return server.dataFolder().resolve(file.storagePath()).resolve(file.storageFilename());
    }

    private static Path attributesFile(StorageElementServer server, FileAttributes file) {
        return server.dataFolder().resolve(file.storagePath()).resolve(file.storageFilename() + ".attr.json");
    }

    private static JsonNode attributes(StorageElementServer server, FileAttributes file) throws IOException {
        return JSON.readTree(attributesFile(server, file).toFile());
    }
}
