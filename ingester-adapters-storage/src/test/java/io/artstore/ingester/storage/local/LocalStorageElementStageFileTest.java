package io.artstore.ingester.storage.local;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file already on the element's file system is staged by a link, not by copying its bytes. */
class LocalStorageElementStageFileTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T15:31:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    private LocalStorageElement element;
    private Path source;
    private byte[] content;

    @BeforeEach
    void setUp() throws IOException {
        element = LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of("local-edit"), Mode.EDIT,
                root.resolve("se"), 1, OptionalLong.empty()), CLOCK);
        content = new byte[300_000];
        new Random(7).nextBytes(content);
        source = Files.write(root.resolve("upload.bin"), content);
    }

    @Test
    void the_staged_and_then_stored_file_is_the_source_itself_and_the_source_keeps_its_name() throws IOException {
        StoreRequest request = aStoreRequest().originalFilename("survey.bin").build();

        Optional<FileAttributes> staged = element.stageFile(request, source, content.length, sha256(content));

        assertThat(staged).isPresent();
        assertThat(staged.get().fileSize()).isEqualTo(content.length);
        assertThat(staged.get().checksum()).isEqualTo(sha256(content));
        assertThat(element.stat(request.fileId())).isEmpty();
        FileAttributes published = element.publishStaged(request.fileId());
        Path stored = root.resolve("se").resolve(published.storagePath()).resolve(published.storageFilename());
        assertThat(Files.isSameFile(stored, source)).isTrue();
        assertThat(Files.getAttribute(stored, "unix:ino")).isEqualTo(Files.getAttribute(source, "unix:ino"));
        Files.delete(source);
        try (InputStream in = element.open(request.fileId()).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(element.stat(request.fileId()).orElseThrow().checksum()).isEqualTo(sha256(content));
        assertThat(list(root.resolve("se").resolve(LocalStorageElement.TEMP_FOLDER))).isEmpty();
    }

    @Test
    void discarding_the_staged_copy_leaves_the_source_whole() throws IOException {
        StoreRequest request = aStoreRequest().build();
        assertThat(element.stageFile(request, source, content.length, sha256(content))).isPresent();

        assertThat(element.discardStaged(request.fileId())).isTrue();

        assertThat(element.staged(request.fileId())).isEmpty();
        assertThat(Files.readAllBytes(source)).isEqualTo(content);
    }

    @Test
    void a_source_of_another_size_is_not_taken_and_leaves_nothing_behind() throws IOException {
        StoreRequest request = aStoreRequest().build();

        assertThat(element.stageFile(request, source, content.length + 1L, sha256(content))).isEmpty();

        assertThat(element.staged(request.fileId())).isEmpty();
        assertThat(list(root.resolve("se").resolve(LocalStorageElement.TEMP_FOLDER))).isEmpty();
        assertThat(Files.readAllBytes(source)).isEqualTo(content);
    }

    private static Sha256 sha256(byte[] bytes) {
        try {
            return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.List<Path> list(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
