package io.artstore.ingester.storage.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.fixture.SeAccounts;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import io.artstore.ingester.storage.http.fixture.StorageElementServer.Options;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens from the admin module's {@code POST /api/v1/auth/token}, served here by the SE fixture. */
class ServiceAccountTokensTest {

    private static final String CLIENT_ID = "sa_test_ingester_12345678";
    private static final String SECRET = "s3cret";

    @TempDir
    Path root;

    private final SeAccounts accounts = new SeAccounts().serviceAccount(CLIENT_ID, SECRET, SeFixtures.SERVICE_ACCOUNT);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private StorageElementServer admin;

    @BeforeEach
    void startAdminModule() {
        admin = StorageElementServer.start(Options.plain("admin", Mode.EDIT, root), accounts);
    }

    @AfterEach
    void stopAdminModule() {
        admin.close();
    }

    private ServiceAccountTokens tokens(String secret) {
        return new ServiceAccountTokens(SeFixtures.SHARED_CLIENT, new ServiceAccount(CLIENT_ID, secret, admin.url()), clock);
    }

    @Test
    void a_token_is_fetched_once_and_kept_while_it_is_fresh() {
        ServiceAccountTokens tokens = tokens(SECRET);

        String first = tokens.current();
        clock.advance(Duration.ofMinutes(20));

        assertThat(tokens.current()).isEqualTo(first);
        assertThat(accounts.tokensIssued()).isEqualTo(1);
    }

    @Test
    void a_token_is_replaced_shortly_before_it_expires() {
        accounts.tokenLifetime(Duration.ofMinutes(30));
        ServiceAccountTokens tokens = tokens(SECRET);
        String first = tokens.current();

        clock.advance(Duration.ofMinutes(28));
        assertThat(tokens.current()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(61));

        assertThat(tokens.current()).isNotEqualTo(first);
        assertThat(accounts.tokensIssued()).isEqualTo(2);
    }

    @Test
    void an_invalidated_token_is_replaced_but_only_that_one() {
        ServiceAccountTokens tokens = tokens(SECRET);
        String first = tokens.current();

        tokens.invalidate("some-older-token");
        assertThat(tokens.current()).isEqualTo(first);
        tokens.invalidate(first);

        assertThat(tokens.current()).isNotEqualTo(first);
        assertThat(accounts.tokensIssued()).isEqualTo(2);
    }

    @Test
    void wrong_credentials_are_reported_with_the_client_id() {
        assertThatThrownBy(() -> tokens("wrong").current()).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("token_refused");
            assertThat(e.getMessage()).contains(CLIENT_ID).doesNotContain("wrong");
        });
    }

    @Test
    void an_unreachable_admin_module_is_unavailable() {
        URI nowhere = admin.url();
        admin.close();
        ServiceAccountTokens tokens = new ServiceAccountTokens(SeFixtures.SHARED_CLIENT,
                new ServiceAccount(CLIENT_ID, SECRET, nowhere), clock);

        assertThatThrownBy(tokens::current).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("token_unavailable");
        });
        admin = StorageElementServer.start(Options.plain("admin", Mode.EDIT, root), accounts);
    }
}
