package io.artstore.ingester.storage.local;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored file of one local element copied into another's staging by the kernel, and read back to be hashed. */
class LocalStorageElementStageCopyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T15:31:00Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    private LocalStorageElement edit;
    private LocalStorageElement rw;

    @BeforeEach
    void setUp() {
        edit = LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of("local-edit"), Mode.EDIT,
                root.resolve("edit"), 1, OptionalLong.empty()), CLOCK);
        rw = LocalStorageElement.open(new LocalStorageSettings(StorageElementId.of("local-rw"), Mode.RW,
                root.resolve("rw"), 1, OptionalLong.empty()), CLOCK);
    }

    /** Several copy steps and a last, partial one: every byte arrives, and the copy is a file of its own. */
    @Test
    void the_staged_copy_holds_every_byte_in_a_file_of_its_own() throws IOException {
        byte[] content = random((int) (2 * ContentWriter.COPY_CHUNK_BYTES + 12_345));
        FileAttributes stored = edit.store(aStoreRequest().originalFilename("survey.bin").build(), new ByteArrayInputStream(content));
        Path source = edit.localFile(stored.fileId()).orElseThrow();
        List<Long> progress = new ArrayList<>();
        StoreRequest request = aStoreRequest().fileId(stored.fileId()).originalFilename("survey.bin").build();

        FileAttributes staged = rw.stageCopy(request, source, progress::add).orElseThrow();

        assertThat(staged.fileSize()).isEqualTo(content.length);
        assertThat(staged.checksum()).isEqualTo(sha256(content));
        assertThat(progress).isSorted().last().isEqualTo((long) content.length);
        assertThat(progress).hasSizeGreaterThan(2);
        assertThat(rw.stat(stored.fileId())).as("staged, not stored").isEmpty();
        FileAttributes published = rw.publishStaged(stored.fileId());
        Path copy = rw.localFile(stored.fileId()).orElseThrow();
        assertThat(published.checksum()).isEqualTo(sha256(content));
        assertThat(Files.isSameFile(copy, source)).isFalse();
        assertThat(Files.getAttribute(source, "unix:nlink")).isEqualTo(1);
        assertThat(Files.getAttribute(copy, "unix:nlink")).isEqualTo(1);
        edit.delete(stored.fileId());
        assertThat(Files.exists(source)).isFalse();
        try (InputStream in = rw.open(stored.fileId()).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(list(root.resolve("rw").resolve(LocalStorageElement.TEMP_FOLDER))).isEmpty();
    }

    /** The checksum reported is that of the bytes copied, not the one the source's attributes claim. */
    @Test
    void a_source_whose_bytes_changed_is_reported_with_the_checksum_of_what_was_copied() throws IOException {
        byte[] content = random(3_000_000);
        FileAttributes stored = edit.store(aStoreRequest().build(), new ByteArrayInputStream(content));
        Path source = edit.localFile(stored.fileId()).orElseThrow();
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~content[2_500_000]}), 2_500_000);
        }
        content[2_500_000] = (byte) ~content[2_500_000];

        FileAttributes staged = rw.stageCopy(aStoreRequest().fileId(stored.fileId()).build(), source, copied -> { })
                .orElseThrow();

        assertThat(staged.checksum()).isEqualTo(sha256(content)).isNotEqualTo(stored.checksum());
        assertThat(rw.staged(stored.fileId()).orElseThrow().checksum()).isEqualTo(sha256(content));
    }

    @Test
    void a_missing_source_leaves_nothing_staged() {
        StoreRequest request = aStoreRequest().build();

        assertThatThrownBy(() -> rw.stageCopy(request, root.resolve("gone.bin"), copied -> { }));

        assertThat(rw.staged(request.fileId())).isEmpty();
        assertThat(list(root.resolve("rw").resolve(LocalStorageElement.TEMP_FOLDER))).isEmpty();
    }

    @Test
    void a_file_not_held_has_no_local_path() {
        assertThat(edit.localFile(aStoreRequest().build().fileId())).isEmpty();
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(11).nextBytes(bytes);
        return bytes;
    }

    private static Sha256 sha256(byte[] bytes) {
        try {
            return Sha256.of(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
