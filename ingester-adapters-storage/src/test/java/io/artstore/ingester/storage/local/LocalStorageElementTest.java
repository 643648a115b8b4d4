package io.artstore.ingester.storage.local;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElementContract;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.formats.AttributesJson;
import io.artstore.ingester.storage.fs.DurableFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageElementTest extends StorageElementContract {

    private static final Instant NOW = Instant.parse("2025-01-02T15:31:00.654321Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path root;

    private final List<Path> bases = new ArrayList<>();

    @Override
    protected StorageElement newElement(Mode mode) {
        return open(mode, OptionalLong.empty());
    }

    private LocalStorageElement open(Mode mode, OptionalLong quota) {
        Path base = root.resolve("se-" + bases.size());
        bases.add(base);
        return LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of("local-" + mode.wireName()), mode,
                base, 1, quota), CLOCK);
    }

    private static LocalStorageElement reopen(LocalStorageElement element, Mode mode) {
        return LocalStorageElement.open(LocalStorageSettings.of(element.id(), mode, element.path(), 1), CLOCK);
    }

    /** Only complete files: nothing in {@code .tmp}, no file without its attributes, no half-staged copy. */
    @Override
    protected void assertNoLeftovers() {
        for (Path base : bases) {
            assertThat(list(base.resolve(LocalStorageElement.TEMP_FOLDER))).as("temporary files").isEmpty();
            Set<String> staged = new HashSet<>();
            list(base.resolve(LocalStorageElement.STAGING_FOLDER)).forEach(file -> staged.add(file.getFileName().toString()));
            for (String name : staged) {
                String data = name.endsWith(LocalStorageElement.ATTRIBUTES_SUFFIX)
                        ? name.substring(0, name.length() - LocalStorageElement.ATTRIBUTES_SUFFIX.length()) : name;
                assertThat(data).as("staged file %s", name).endsWith(".data");
                assertThat(staged).as("staged copy %s", data).contains(data, data + LocalStorageElement.ATTRIBUTES_SUFFIX);
            }
            Set<String> owners = new HashSet<>();
            List<Path> files = storedFiles(base);
            files.stream().map(Path::toString).filter(name -> name.endsWith(LocalStorageElement.ATTRIBUTES_SUFFIX))
                    .forEach(name -> owners.add(name.substring(0, name.length() - LocalStorageElement.ATTRIBUTES_SUFFIX.length())));
            for (Path file : files) {
                assertThat(owners.stream().anyMatch(owner -> file.toString().equals(owner)
                        || file.toString().startsWith(owner + "."))).as("%s belongs to a stored file", file).isTrue();
            }
        }
    }

    // --- The ArtStore layout ---

    @Test
    void a_file_lands_in_its_hour_folder_under_its_storage_name() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        StoreRequest request = aStoreRequest().originalFilename("report.pdf").build();

        element.store(request, input("hello"));

        Path folder = element.path().resolve("2025/01/02/15");
        String name = "report_alice_20250102T153045_" + request.fileId() + ".pdf";
        assertThat(list(folder)).containsExactlyInAnyOrder(folder.resolve(name), folder.resolve(name + ".attr.json"));
        assertThat(Files.readString(folder.resolve(name))).isEqualTo("hello");
    }

    @Test
    void attr_json_has_the_contract_keys_in_order_pretty_printed() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("ingester", Map.of("compressed", false));
        metadata.put("tags", List.of("é", 2));
        metadata.put("empty", Map.of());
        StoreRequest request = aStoreRequest().description("Résumé").metadata(metadata).build();

        FileAttributes stored = element.store(request, input("hello"));

        String id = request.fileId().toString();
        assertThat(Files.readString(attributesFile(element, stored), StandardCharsets.UTF_8)).isEqualTo("""
                {
                  "file_id": "%s",
                  "original_filename": "report.pdf",
                  "storage_filename": "report_alice_20250102T153045_%s.pdf",
                  "file_size": 5,
                  "content_type": "application/pdf",
                  "created_at": "2025-01-02T15:30:45.123456Z",
                  "updated_at": "2025-01-02T15:31:00.654321Z",
                  "created_by_id": "user-42",
                  "created_by_username": "alice",
                  "created_by_fullname": "Alice Martin",
                  "description": "Résumé",
                  "version": null,
                  "storage_path": "2025/01/02/15/",
                  "checksum": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                  "metadata": {
                    "ingester": {
                      "compressed": false
                    },
                    "tags": [
                      "é",
                      2
                    ],
                    "empty": {}
                  }
                }""".formatted(id, id));
    }

    @Test
    void timestamps_are_written_in_microseconds() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        StoreRequest request = aStoreRequest().createdAt(Instant.parse("2025-06-30T23:59:59.000000999Z")).build();

        FileAttributes stored = element.store(request, input("x"));

        assertThat(stored.createdAt()).isEqualTo(Instant.parse("2025-06-30T23:59:59Z"));
        assertThat(stored.storagePath()).isEqualTo("2025/06/30/23/");
        assertThat(Files.readString(attributesFile(element, stored))).contains("\"created_at\": \"2025-06-30T23:59:59.000000Z\"");
    }

    @Test
    void attributes_larger_than_4096_bytes_are_refused_before_anything_is_visible() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        StoreRequest request = aStoreRequest().metadata(Map.of("notes", "n".repeat(4000))).build();

        assertIngestFailure(() -> element.store(request, input("hello")), Kind.INVALID_REQUEST, "attributes_too_large");

        assertThat(element.stat(request.fileId())).isEmpty();
        assertThat(storedFiles(element.path())).isEmpty();
        assertNoLeftovers();
    }

    @Test
    void attributes_just_under_the_limit_are_kept() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        StoreRequest request = aStoreRequest().metadata(Map.of("notes", "n".repeat(3400))).build();

        FileAttributes stored = element.store(request, input("hello"));

        assertThat(Files.size(attributesFile(element, stored))).isBetween(3400L, (long) AttributesJson.MAX_BYTES);
    }

    @Test
    void long_names_are_cut_to_200_characters() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        StoreRequest request = aStoreRequest().originalFilename("a".repeat(300) + ".pdf").build();

        FileAttributes stored = element.store(request, input("hello"));

        assertThat(stored.storageFilename()).hasSize(StorageFileName.MAX_LENGTH)
                .endsWith("..._alice_20250102T153045_" + request.fileId() + ".pdf");
        assertThat(element.path().resolve(stored.storagePath()).resolve(stored.storageFilename())).exists();
    }

    @Test
    void a_sidecar_lies_beside_the_file() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        FileAttributes stored = element.store(aStoreRequest().build(), input("hello"));

        element.writeSidecar(stored.fileId(), ".sig", "signature".getBytes(StandardCharsets.UTF_8));

        Path sidecar = element.path().resolve(stored.storagePath()).resolve(stored.storageFilename() + ".sig");
        assertThat(Files.readString(sidecar)).isEqualTo("signature");
        assertIngestFailure(() -> element.writeSidecar(stored.fileId(), ".attr.json", new byte[1]),
                Kind.INVALID_REQUEST, "invalid_sidecar_suffix");
        assertIngestFailure(() -> element.writeSidecar(stored.fileId(), "/../x", new byte[1]),
                Kind.INVALID_REQUEST, "invalid_sidecar_suffix");
    }

    @Test
    void an_unreadable_content_stream_is_an_internal_failure_that_leaves_nothing() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        StoreRequest request = aStoreRequest().build();
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk of the source failed");
            }
        };

        assertIngestFailure(() -> element.store(request, broken), Kind.INTERNAL, "content_unreadable");

        assertThat(element.stat(request.fileId())).isEmpty();
        assertNoLeftovers();
    }

    // --- Opening an existing folder ---

    @Test
    void open_empties_what_a_crash_left_in_tmp() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        Path temp = element.path().resolve(LocalStorageElement.TEMP_FOLDER);
        Files.writeString(temp.resolve("data-crashed.part"), "half a file");
        Files.createDirectories(temp.resolve("nested"));
        Files.writeString(temp.resolve("nested/attr.part"), "{");

        reopen(element, Mode.EDIT);

        assertThat(list(temp)).isEmpty();
    }

    @Test
    void open_rebuilds_the_index_from_the_attribute_files() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        FileAttributes kept = element.store(aStoreRequest().build(), input("kept"));
        FileAttributes other = element.store(aStoreRequest().createdAt(Instant.parse("2024-12-31T23:00:00Z")).build(),
                input("other"));
        FileAttributes deleted = element.store(aStoreRequest().build(), input("deleted"));
        element.delete(deleted.fileId());

        LocalStorageElement reopened = reopen(element, Mode.EDIT);

        assertThat(reopened.stat(kept.fileId())).contains(kept);
        assertThat(reopened.stat(other.fileId())).contains(other);
        assertThat(reopened.stat(deleted.fileId())).isEmpty();
        assertThat(readAll(reopened, other.fileId())).isEqualTo("other".getBytes(StandardCharsets.UTF_8));
        assertIngestFailure(() -> reopened.store(aStoreRequest().fileId(kept.fileId()).build(), input("again")),
                Kind.CONFLICT, "file_exists");
    }

    @Test
    void open_reads_attribute_files_written_by_an_artstore_storage_element() throws IOException {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        FileId fileId = FileId.random();
        Path folder = element.path().resolve("2024/03/09/07");
        Files.createDirectories(folder);
        String name = "scan_bob_20240309T071500_" + fileId + ".png";
        Files.writeString(folder.resolve(name), "png!");
        Files.writeString(folder.resolve(name + ".attr.json"), """
                {"file_id": "%s", "original_filename": "scan.png", "storage_filename": "%s", "file_size": 4,
                 "content_type": "image/png", "created_at": "2024-03-09T07:15:00.5+00:00",
                 "updated_at": "2024-03-09T07:15:00.500000", "created_by_id": "b-1", "created_by_username": "bob",
                 "created_by_fullname": null, "description": null, "version": "1", "storage_path": "2024/03/09/07/",
                 "checksum": "2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE", "metadata": {}}
                """.formatted(fileId, name));

        FileAttributes attributes = reopen(element, Mode.RW).stat(fileId).orElseThrow();

        assertThat(attributes.createdAt()).isEqualTo(Instant.parse("2024-03-09T07:15:00.500Z"));
        assertThat(attributes.updatedAt()).isEqualTo(attributes.createdAt());
        assertThat(attributes.version()).contains("1");
        assertThat(attributes.checksum().hex()).startsWith("2c26b46b");
        assertThat(attributes.createdByFullname()).isEmpty();
    }

    @Test
    void open_removes_orphans_and_keeps_what_is_not_ours() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        FileAttributes stored = element.store(aStoreRequest().build(), input("stored"));
        element.writeSidecar(stored.fileId(), ".sig", new byte[] {1});
        Path folder = element.path().resolve(stored.storagePath());
        Path orphan = folder.resolve("lost_alice_20250102T153045_" + FileId.random() + ".pdf");
        Path orphanSidecar = folder.resolve("gone_alice_20250102T153045_" + FileId.random() + ".pdf.sig");
        Path foreign = folder.resolve("README.txt");
        Path outsideHourFolders = element.path().resolve("export_" + FileId.random() + ".zip");
        Files.writeString(outsideHourFolders, "an operator's backup");
        Files.writeString(orphan, "data without attributes");
        Files.writeString(orphanSidecar, "signature without file");
        Files.writeString(foreign, "an operator's note");

        LocalStorageElement reopened = reopen(element, Mode.EDIT);

        assertThat(orphan).doesNotExist();
        assertThat(orphanSidecar).doesNotExist();
        assertThat(foreign).exists();
        assertThat(outsideHourFolders).exists();
        assertThat(reopened.stat(stored.fileId())).contains(stored);
        assertThat(reopened.readSidecar(stored.fileId(), ".sig")).isPresent();
    }

    @Test
    void a_staged_copy_survives_a_restart_and_can_still_be_published() {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        StoreRequest request = aStoreRequest().build();
        FileAttributes staged = element.stage(request, input("staged bytes"));

        LocalStorageElement reopened = reopen(element, Mode.RW);

        assertThat(reopened.staged(request.fileId())).contains(staged);
        assertThat(reopened.stat(request.fileId())).isEmpty();
        assertThat(reopened.publishStaged(request.fileId())).isEqualTo(staged);
        assertThat(readAll(reopened, request.fileId())).isEqualTo("staged bytes".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publishing_finishes_when_an_earlier_attempt_stopped_after_moving_the_data() throws IOException {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        StoreRequest request = aStoreRequest().build();
        FileAttributes staged = element.stage(request, input("half published"));
        Path staging = element.path().resolve(LocalStorageElement.STAGING_FOLDER);
        Path target = element.path().resolve(staged.storagePath());
        Files.createDirectories(target);
        DurableFiles.moveAtomically(staging.resolve(request.fileId() + ".data"), target.resolve(staged.storageFilename()));

        LocalStorageElement reopened = reopen(element, Mode.RW);

        assertThat(target.resolve(staged.storageFilename())).as("kept for the staged copy").exists();
        assertThat(reopened.publishStaged(request.fileId())).isEqualTo(staged);
        assertThat(readAll(reopened, request.fileId())).isEqualTo("half published".getBytes(StandardCharsets.UTF_8));
        assertThat(list(staging)).isEmpty();
    }

    @Test
    void a_copy_staged_for_publishing_forces_no_folder_until_it_is_published() {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        element.store(aStoreRequest().build(), input("the hour folder exists now"));
        StoreRequest request = aStoreRequest().build();

        long before = DurableFiles.folderForces();
        FileAttributes staged = element.stageForPublishing(request, input("published next"));
        long afterStaging = DurableFiles.folderForces();
        element.publishStaged(request.fileId());

        assertThat(afterStaging - before).as("folder fsyncs of the staging").isZero();
        assertThat(DurableFiles.folderForces() - afterStaging).as("folder fsyncs of the publishing: the hour folder").isEqualTo(1);
        assertThat(element.stat(request.fileId())).contains(staged);
    }

    @Test
    void a_durable_staging_forces_the_staging_folder() {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        long before = DurableFiles.folderForces();

        element.stage(aStoreRequest().build(), input("voted on"));

        assertThat(DurableFiles.folderForces() - before).isEqualTo(1);
    }

    /** What a crash can leave of a copy staged for publishing whose data name was not yet durable. */
    @Test
    void publishing_a_staged_copy_without_its_data_is_refused_as_not_found_so_that_the_add_is_undone() throws IOException {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        StoreRequest request = aStoreRequest().build();
        element.stageForPublishing(request, input("lost in a crash"));
        Files.delete(element.path().resolve(LocalStorageElement.STAGING_FOLDER).resolve(request.fileId() + ".data"));

        LocalStorageElement reopened = reopen(element, Mode.RW);

        assertIngestFailure(() -> reopened.publishStaged(request.fileId()), Kind.NOT_FOUND, "staged_copy_broken");
        assertThat(reopened.discardStaged(request.fileId())).isTrue();
        assertThat(reopened.stat(request.fileId())).isEmpty();
    }

    @Test
    void a_staged_copy_lies_in_the_shared_staging_folder_without_a_folder_of_its_own() {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        StoreRequest request = aStoreRequest().build();
        element.stage(request, input("staged bytes"));
        element.stageSidecar(request.fileId(), ".sig", "signature".getBytes(StandardCharsets.UTF_8));

        Path staging = element.path().resolve(LocalStorageElement.STAGING_FOLDER);
        assertThat(list(staging)).as("one folder for every staged copy, so that its fsync is shared")
                .allMatch(Files::isRegularFile).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder(request.fileId() + ".data", request.fileId() + ".data.attr.json",
                        request.fileId() + ".data.sig");
    }

    /** Publishing finds a copy's sidecars without listing the shared folder: what it knows must survive a restart. */
    @Test
    void sidecars_staged_beside_shared_copies_are_published_with_their_copy_also_after_a_restart() {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        StoreRequest before = aStoreRequest().build();
        StoreRequest after = aStoreRequest().build();
        StoreRequest other = aStoreRequest().build();
        element.stage(before, input("published before the restart"));
        element.stage(after, input("published after the restart"));
        element.stage(other, input("still staged"));
        element.stageSidecar(before.fileId(), ".sig", "signature 1".getBytes(StandardCharsets.UTF_8));
        element.stageSidecar(after.fileId(), ".sig", "signature 2".getBytes(StandardCharsets.UTF_8));
        element.stageSidecar(after.fileId(), ".meta.json", "{}".getBytes(StandardCharsets.UTF_8));
        element.stageSidecar(other.fileId(), ".sig", "signature 3".getBytes(StandardCharsets.UTF_8));

        element.publishStaged(before.fileId());
        LocalStorageElement reopened = reopen(element, Mode.RW);
        reopened.publishStaged(after.fileId());

        assertThat(reopened.readSidecar(before.fileId(), ".sig")).hasValueSatisfying(sig ->
                assertThat(new String(sig, StandardCharsets.UTF_8)).isEqualTo("signature 1"));
        assertThat(reopened.readSidecar(after.fileId(), ".sig")).hasValueSatisfying(sig ->
                assertThat(new String(sig, StandardCharsets.UTF_8)).isEqualTo("signature 2"));
        assertThat(reopened.readSidecar(after.fileId(), ".meta.json")).isPresent();
        Path staging = element.path().resolve(LocalStorageElement.STAGING_FOLDER);
        assertThat(list(staging)).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder(other.fileId() + ".data", other.fileId() + ".data.attr.json",
                        other.fileId() + ".data.sig");
        assertThat(reopened.discardStaged(other.fileId())).isTrue();
        assertThat(list(staging)).isEmpty();
    }

    /** Copies staged by earlier versions, each in a folder of its own, are found, published and discarded. */
    @Test
    void a_copy_staged_in_a_folder_of_its_own_by_an_earlier_version_is_published_or_discarded() throws IOException {
        LocalStorageElement element = open(Mode.RW, OptionalLong.empty());
        StoreRequest published = aStoreRequest().build();
        StoreRequest discarded = aStoreRequest().build();
        FileAttributes first = element.stage(published, input("old layout, published"));
        element.stageSidecar(published.fileId(), ".sig", "signature".getBytes(StandardCharsets.UTF_8));
        FileAttributes second = element.stage(discarded, input("old layout, discarded"));
        toEarlierLayout(element, published.fileId(), first);
        toEarlierLayout(element, discarded.fileId(), second);

        LocalStorageElement reopened = reopen(element, Mode.RW);

        assertThat(reopened.staged(published.fileId())).contains(first);
        assertThat(reopened.publishStaged(published.fileId())).isEqualTo(first);
        assertThat(readAll(reopened, published.fileId())).isEqualTo("old layout, published".getBytes(StandardCharsets.UTF_8));
        assertThat(reopened.readSidecar(published.fileId(), ".sig")).hasValueSatisfying(sig ->
                assertThat(sig).isEqualTo("signature".getBytes(StandardCharsets.UTF_8)));
        assertThat(reopened.discardStaged(discarded.fileId())).isTrue();
        assertThat(reopened.staged(discarded.fileId())).isEmpty();
        assertThat(list(element.path().resolve(LocalStorageElement.STAGING_FOLDER))).isEmpty();
    }

    /** Moves a copy staged in the shared folder into {@code .staging/<file_id>/<storage_filename>...}, as earlier versions kept it. */
    private static void toEarlierLayout(LocalStorageElement element, FileId fileId, FileAttributes staged) throws IOException {
        Path staging = element.path().resolve(LocalStorageElement.STAGING_FOLDER);
        Path folder = Files.createDirectory(staging.resolve(fileId.toString()));
        for (Path file : list(staging)) {
            String name = file.getFileName().toString();
            if (Files.isRegularFile(file) && name.startsWith(fileId + ".data")) {
                Files.move(file, folder.resolve(staged.storageFilename() + name.substring((fileId + ".data").length())));
            }
        }
    }

    // --- Capacity and health ---

    @Test
    void capacity_comes_from_the_file_system_without_a_quota() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());

        StorageElementDescriptor descriptor = element.describe();

        assertThat(descriptor.capacity().totalBytes()).isEqualTo(Files.getFileStore(element.path()).getTotalSpace());
        assertThat(descriptor.capacity().availableBytes()).isPositive();
        assertThat(descriptor.capacity().usedBytes() + descriptor.capacity().availableBytes()).as("used + available")
                .isEqualTo(descriptor.capacity().totalBytes());
        assertThat(descriptor.location()).isEqualTo(element.path().toString());
        assertThat(descriptor.priority()).isEqualTo(1);
        assertThat(descriptor.health()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void a_quota_caps_capacity_and_refuses_what_does_not_fit() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.of(10_000));
        element.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(3000, 1)));

        assertThat(element.describe().capacity()).isEqualTo(new Capacity(10_000, 3000, 7000));
        StoreRequest tooBig = aStoreRequest().build();
        assertIngestFailure(() -> element.store(tooBig, new ByteArrayInputStream(randomBytes(7001, 2))),
                Kind.INSUFFICIENT_STORAGE, "storage_full");
        assertThat(element.stat(tooBig.fileId())).isEmpty();
        assertNoLeftovers();

        FileAttributes last = element.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(7000, 3)));
        assertThat(element.describe().capacity()).isEqualTo(new Capacity(10_000, 10_000, 0));
        element.delete(last.fileId());
        assertThat(element.describe().capacity()).isEqualTo(new Capacity(10_000, 3000, 7000));
        assertThat(reopen(element, Mode.EDIT).describe().capacity().totalBytes())
                .as("without the quota after reopening").isGreaterThan(10_000);
    }

    @Test
    void used_bytes_are_counted_again_at_open() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.of(10_000));
        element.store(aStoreRequest().build(), new ByteArrayInputStream(randomBytes(1234, 4)));

        LocalStorageElement reopened = LocalStorageElement.open(new LocalStorageSettings(element.id(), Mode.EDIT,
                element.path(), 1, OptionalLong.of(10_000)), CLOCK);

        assertThat(reopened.describe().capacity()).isEqualTo(new Capacity(10_000, 1234, 10_000 - 1234));
    }

    @Test
    void a_missing_folder_makes_the_element_unavailable() throws IOException {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());

        DurableFiles.deleteRecursively(element.path());

        assertThat(element.describe().health()).isEqualTo(Health.UNAVAILABLE);
    }

    // --- Concurrency ---

    @Test
    void a_slow_upload_does_not_hold_up_another() throws Exception {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        CountDownLatch otherStored = new CountDownLatch(1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            private int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent == 1) {
                    slowStarted.countDown();
                    awaitOrFail(otherStored);
                }
                if (sent == 2) {
                    return -1;
                }
                b[off] = 'x';
                sent++;
                return 1;
            }
        };

        CompletableFuture<FileAttributes> slowStore = CompletableFuture.supplyAsync(
                () -> element.store(aStoreRequest().build(), slow));
        awaitOrFail(slowStarted);
        FileAttributes other = element.store(aStoreRequest().build(), input("fast"));
        otherStored.countDown();

        assertThat(element.stat(other.fileId())).isPresent();
        assertThat(slowStore.get(10, TimeUnit.SECONDS).fileSize()).isEqualTo(2);
    }

    // --- Helpers ---

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("waited 10 s in vain: the other upload is blocked");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path attributesFile(LocalStorageElement element, FileAttributes stored) {
        return element.path().resolve(stored.storagePath()).resolve(stored.storageFilename() + ".attr.json");
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file outside the hidden folders, as its full path. */
    private static List<Path> storedFiles(Path base) {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.walk(base)) {
            return entries.filter(Files::isRegularFile)
                    .filter(path -> !base.relativize(path).toString().startsWith("."))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void delete_leaves_the_hour_folder_without_the_file() {
        LocalStorageElement element = open(Mode.EDIT, OptionalLong.empty());
        FileAttributes stored = element.store(aStoreRequest().build(), input("bye"));
        element.writeSidecar(stored.fileId(), ".sig", new byte[] {1});

        element.delete(stored.fileId());

        assertThat(list(element.path().resolve(stored.storagePath()))).isEmpty();
        assertThat(reopen(element, Mode.EDIT).stat(stored.fileId())).isEmpty();
    }
}
