package io.artstore.ingester.storage.local;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing a stored file's bytes on a local element: the switch, its idempotence, and what a restart finds at each
 * point a crash can stop it (the element reopened over the same folder, then the caller's recovery calling again).
 */
class LocalReplaceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T15:31:00.654321Z"), ZoneOffset.UTC);
    private static final byte[] ORIGINAL = "the original bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLACEMENT = "the replacement".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path base;

    private LocalStorageElement open(Mode mode) {
        return LocalStorageElement.open(LocalStorageSettings.of(StorageElementId.of("edit-1"), mode, base, 1), CLOCK);
    }

    private static StoreRequest request(FileId fileId, String version) {
        return aStoreRequest().fileId(fileId).metadata(Map.of("version_of_bytes", version)).build();
    }

    private record Staged(LocalStorageElement element, FileId fileId, FileAttributes original, FileAttributes replacement) {}

    private Staged storeAndStage() {
        LocalStorageElement element = open(Mode.EDIT);
        FileId fileId = FileId.random();
        FileAttributes original = element.store(request(fileId, "original"), new ByteArrayInputStream(ORIGINAL));
        FileAttributes replacement = element.stageReplacement(request(fileId, "replacement"),
                new ByteArrayInputStream(REPLACEMENT));
        return new Staged(element, fileId, original, replacement);
    }

    private Path stored(FileAttributes attributes) {
        return base.resolve(attributes.storagePath()).resolve(attributes.storageFilename());
    }

    private Path stagedData(FileAttributes attributes) {
        return base.resolve(".staging").resolve(attributes.fileId() + ".data");
    }

    private static byte[] read(StorageElement element, FileId fileId) throws IOException {
        try (InputStream in = element.open(fileId).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    /** The element serves exactly the replacement, with its attributes, whole. */
    private void assertReplaced(StorageElement element, Staged staged) throws IOException {
        FileAttributes served = element.stat(staged.fileId()).orElseThrow();
        assertThat(served.checksum()).isEqualTo(staged.replacement().checksum());
        assertThat(served.metadata()).containsEntry("version_of_bytes", "replacement");
        assertThat(read(element, staged.fileId())).isEqualTo(REPLACEMENT);
        assertThat(element.staged(staged.fileId())).isEmpty();
    }

    @Test
    void the_replacement_takes_the_files_place_and_the_original_waits_beside_it_until_deleted() throws IOException {
        Staged staged = storeAndStage();
        assertThat(staged.element().stat(staged.fileId()).orElseThrow().checksum()).isEqualTo(staged.original().checksum());
        assertThat(read(staged.element(), staged.fileId())).as("staged, not yet visible").isEqualTo(ORIGINAL);

        FileAttributes switched = staged.element().replaceWithStaged(staged.fileId(), staged.replacement().checksum());

        assertThat(switched.checksum()).isEqualTo(staged.replacement().checksum());
        assertReplaced(staged.element(), staged);
        assertThat(staged.element().readSidecar(staged.fileId(), StorageElement.REPLACED_SUFFIX)).hasValue(ORIGINAL);
        assertThat(staged.element().replaceWithStaged(staged.fileId(), staged.replacement().checksum()))
                .as("a second call finds it done").isEqualTo(switched);
        assertThat(staged.element().deleteSidecar(staged.fileId(), StorageElement.REPLACED_SUFFIX)).isTrue();
        assertThat(open(Mode.EDIT).stat(staged.fileId()).orElseThrow().checksum()).as("after a restart")
                .isEqualTo(staged.replacement().checksum());
        try (var files = Files.list(stored(staged.original()).getParent())) {
            assertThat(files.count()).as("data and attributes only").isEqualTo(2);
        }
    }

    @Test
    void a_crash_after_staging_leaves_the_original_and_the_staged_copy_can_be_discarded() throws IOException {
        Staged staged = storeAndStage();

        LocalStorageElement restarted = open(Mode.EDIT);

        assertThat(read(restarted, staged.fileId())).isEqualTo(ORIGINAL);
        assertThat(restarted.discardStaged(staged.fileId())).isTrue();
        assertThat(restarted.stat(staged.fileId()).orElseThrow().checksum()).isEqualTo(staged.original().checksum());
        assertThat(read(restarted, staged.fileId())).isEqualTo(ORIGINAL);
    }

    @Test
    void a_crash_after_the_original_was_linked_aside_keeps_both_and_a_second_call_finishes() throws IOException {
        Staged staged = storeAndStage();
        Path data = stored(staged.original());
        Files.createLink(data.resolveSibling(data.getFileName() + StorageElement.REPLACED_SUFFIX), data);

        LocalStorageElement restarted = open(Mode.EDIT);
        assertThat(read(restarted, staged.fileId())).isEqualTo(ORIGINAL);
        restarted.replaceWithStaged(staged.fileId(), staged.replacement().checksum());

        assertReplaced(restarted, staged);
        assertThat(restarted.readSidecar(staged.fileId(), StorageElement.REPLACED_SUFFIX)).hasValue(ORIGINAL);
    }

    @Test
    void a_crash_between_the_two_renames_is_finished_by_a_second_call_after_the_restart() throws IOException {
        Staged staged = storeAndStage();
        Path data = stored(staged.original());
        Files.createLink(data.resolveSibling(data.getFileName() + StorageElement.REPLACED_SUFFIX), data);
        Files.move(stagedData(staged.replacement()), data, StandardCopyOption.ATOMIC_MOVE);

        LocalStorageElement restarted = open(Mode.EDIT);
        restarted.replaceWithStaged(staged.fileId(), staged.replacement().checksum());

        assertReplaced(restarted, staged);
        assertThat(restarted.readSidecar(staged.fileId(), StorageElement.REPLACED_SUFFIX)).hasValue(ORIGINAL);
        assertReplaced(open(Mode.EDIT), staged);
    }

    @Test
    void nothing_staged_and_another_checksum_expected_is_refused_without_touching_the_file() throws IOException {
        LocalStorageElement element = open(Mode.EDIT);
        FileId fileId = FileId.random();
        element.store(request(fileId, "original"), new ByteArrayInputStream(ORIGINAL));

        assertThatThrownBy(() -> element.replaceWithStaged(fileId, Sha256.parse("0".repeat(64))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("replacement_not_staged"));
        assertThat(read(element, fileId)).isEqualTo(ORIGINAL);
    }

    @Test
    void write_once_elements_replace_nothing() {
        LocalStorageElement rw = open(Mode.RW);
        FileId fileId = FileId.random();
        rw.store(request(fileId, "original"), new ByteArrayInputStream(ORIGINAL));

        assertThatThrownBy(() -> rw.stageReplacement(request(fileId, "replacement"), new ByteArrayInputStream(REPLACEMENT)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(IngestException.Kind.CONFLICT));
        assertThat(rw.staged(fileId)).isEmpty();
    }

    @Test
    void a_replacement_is_staged_only_for_a_stored_file() {
        LocalStorageElement element = open(Mode.EDIT);

        assertThatThrownBy(() -> element.stageReplacement(request(FileId.random(), "replacement"),
                new ByteArrayInputStream(REPLACEMENT)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(IngestException.Kind.NOT_FOUND));
    }
}
