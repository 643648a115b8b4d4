package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElementContract;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.StoreRequestBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage element contract, run against fixture SEs through {@link HttpStorageElement}. */
abstract class HttpStorageElementContractCase extends StorageElementContract {

    @TempDir
    Path root;

    SeFixtures fixtures;

    /** Over TLS 1.3 with pins, or plain HTTP. */
    abstract boolean tls();

    @BeforeEach
    void startFixtures() {
        fixtures = new SeFixtures(root, tls());
    }

    @AfterEach
    void stopFixtures() {
        fixtures.close();
    }

    @Override
    protected StorageElement newElement(Mode mode) {
        return fixtures.element(fixtures.start(mode), mode);
    }

    @Override
    protected void assertNoLeftovers() {
        fixtures.assertNoLeftovers();
    }

    /**
     * The SE reports its own fields only: no metadata (it is write-only), its own clock and the token's account as
     * creator; the ingester's catalogue keeps the rest.
     */
    @Override
    protected void assertReported(Optional<FileAttributes> reported, FileAttributes stored) {
        assertThat(reported).hasValueSatisfying(se -> {
            assertThat(se.fileId()).isEqualTo(stored.fileId());
            assertThat(se.originalFilename()).isEqualTo(stored.originalFilename());
            assertThat(se.storageFilename()).isEqualTo(stored.storageFilename());
            assertThat(se.storagePath()).isEqualTo(stored.storagePath());
            assertThat(se.fileSize()).isEqualTo(stored.fileSize());
            assertThat(se.checksum()).isEqualTo(stored.checksum());
            assertThat(se.description()).isEqualTo(stored.description());
            assertThat(se.version()).isEqualTo(stored.version());
            assertThat(se.metadata()).isEmpty();
        });
    }

    @Override
    protected boolean stagesNatively() {
        return false;
    }

    /** An ArtStore SE names a file after its token's name ({@code ingester} here) and its own clock. */
    @Override
    protected void assertStorageName(FileAttributes stored, StoreRequest request) {
        String[] around = StorageFileName.of(request.originalFilename(), "ingester", Instant.EPOCH, request.fileId())
                .split("19700101T000000", 2);
        assertThat(stored.storageFilename()).matches(Pattern.quote(around[0]) + "\\d{8}T\\d{6}" + Pattern.quote(around[1]));
        assertThat(stored.storagePath()).matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/");
    }

    // --- What a remote element keeps of the request although it names files its own way ---

    @Test
    void storage_names_use_the_token_and_the_se_clock_while_attributes_keep_the_request() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().originalFilename("scan 01.tiff").build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(randomBytes(10, 2)));

        assertThat(stored.storageFilename()).startsWith("scan 01_ingester_").endsWith("_" + request.fileId() + ".tiff");
        assertThat(stored.storagePath()).matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/");
        assertThat(stored.createdAt()).isEqualTo(StoreRequestBuilder.CREATED_AT);
        assertThat(stored.createdByUsername()).isEqualTo("alice");
        assertReported(element.stat(request.fileId()), stored);
        assertThat(element.stat(request.fileId()).orElseThrow().createdByUsername()).isEqualTo("ingester");
    }

    @Test
    void a_unicode_file_name_and_uploader_travel_intact() {
        StorageElement element = newElement(Mode.EDIT);
        String name = "Отчёт – 東京 résumé 📷.pdf";
        StoreRequest request = aStoreRequest().originalFilename(name)
                .uploader(new Uploader("u-7", "Zoë Ångström", Optional.of("Zoë Ångström"))).build();
        byte[] bytes = "привет".getBytes(StandardCharsets.UTF_8);

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        assertThat(stored.originalFilename()).isEqualTo(name);
        assertThat(stored.storageFilename()).startsWith("Отчёт – 東京 résumé 📷_ingester_").endsWith(".pdf");
        assertThat(stored.createdByUsername()).isEqualTo("Zoë Ångström");
        assertThat(stored.createdByFullname()).contains("Zoë Ångström");
        assertReported(element.stat(request.fileId()), stored);
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
    }
}
