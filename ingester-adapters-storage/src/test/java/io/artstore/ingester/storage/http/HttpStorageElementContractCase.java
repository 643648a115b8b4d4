package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElementContract;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.StoreRequestBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The storage element contract, run against fixture SEs through {@link HttpStorageElement}. */
@ExtendWith(RemoteNamingDiffers.class)
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

    // --- What a remote element does instead of the contract's naming tests ---

    @Test
    void storage_names_use_the_token_and_the_se_clock_while_attributes_keep_the_request() {
        StorageElement element = newElement(Mode.RW);
        StoreRequest request = aStoreRequest().originalFilename("scan 01.tiff").build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(randomBytes(10, 2)));

        assertThat(stored.storageFilename()).startsWith("scan 01_ingester_").endsWith("_" + request.fileId() + ".tiff");
        assertThat(stored.storagePath()).matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/");
        assertThat(stored.createdAt()).isEqualTo(StoreRequestBuilder.CREATED_AT);
        assertThat(stored.createdByUsername()).isEqualTo("alice");
        assertThat(element.stat(request.fileId())).contains(stored);
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
        assertThat(element.stat(request.fileId())).contains(stored);
        assertThat(readAll(element, request.fileId())).isEqualTo(bytes);
    }
}
