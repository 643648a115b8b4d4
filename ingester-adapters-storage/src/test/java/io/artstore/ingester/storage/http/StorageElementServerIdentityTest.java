package io.artstore.ingester.storage.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.http.fixture.SeAccounts;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import io.artstore.ingester.storage.http.fixture.TestCertificates.ServerIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture keeps its certificate and CA in its folder, so that a restarted fixture is trusted and pinned as before. */
class StorageElementServerIdentityTest {

    @TempDir
    Path folder;

    @Test
    void a_restart_with_the_same_folder_presents_the_same_key_signed_by_the_same_ca() {
        ServerIdentity first = StorageElementServer.identityIn(folder);
        byte[] trustStore = read(folder.resolve("truststore.p12"));

        ServerIdentity again = StorageElementServer.identityIn(folder);

        assertThat(again.pin()).isEqualTo(first.pin());
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(read(folder.resolve("truststore.p12"))).isEqualTo(trustStore);
    }

    @Test
    void a_restarted_fixture_is_reached_with_the_first_starts_trust_store_and_pin() {
        ServerIdentity identity = StorageElementServer.identityIn(folder);
        String pin = identity.pin();
        ServerIdentity reloaded = StorageElementServer.identityIn(folder);
        StorageElementServer server = StorageElementServer.start(
                StorageElementServer.Options.plain("se-kept", Mode.EDIT, folder.resolve("se"))
                        .withTls(new StorageElementServer.Tls(reloaded, "TLSv1.3")),
                new SeAccounts());
        try {
            HttpStorageSettings settings = HttpStorageSettings.of(StorageElementId.of("se-kept"),
                    Mode.EDIT, server.url(), 0, new HttpStorageSettings.StaticToken("t"))
                    .withTls(HttpStorageSettings.Tls.trusting(folder.resolve("truststore.p12"), "changeit"))
                    .withPins(List.of(pin));
            HttpStorageElement element = new HttpStorageElement(settings, SeFixtures.SHARED_CLIENT);

            assertThat(element.describe().health()).isEqualTo(Health.HEALTHY);
        } finally {
            server.close();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
