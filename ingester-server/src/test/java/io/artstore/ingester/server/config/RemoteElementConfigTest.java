package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.storage.http.HttpStorageSettings;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import io.artstore.ingester.storage.http.HttpStorageSettings.Timeouts;
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code type: http} entries of {@code storage.elements} and the service account of remote elements. */
class RemoteElementConfigTest {

    private static final String PIN = "sha256/" + "A".repeat(43) + "=";

    @TempDir
    Path folder;

    @Test
    void every_setting_of_a_remote_element_is_read() throws IOException {
        Path trustStore = TestCertificates.newAuthority().writeTrustStore(folder.resolve("ca.p12"));
        IngesterConfig config = load("""
                storage:
                  elements:
                    - id: se-edit-01
                      mode: edit
                      type: http
                      url: https://se-edit-01.example:8010
                      priority: 10
                      pins: ["%s"]
                      tls:
                        min_version: "1.2"
                        trust_store: %s
                        trust_store_password: changeit
                      timeouts:
                        connect: 2s
                        read: 90s
                        write: 1m
                        call: 0
                      token: static-secret-token
                      breaker:
                        failure_threshold: 3
                        failure_window: 6
                        open_delay: 45s
                        success_threshold: 1
                      retry:
                        max_retries: 5
                        delay: 100ms
                        max_delay: 2s
                        jitter: 0.5
                      bulkhead:
                        size: 16
                        max_wait: 3s
                      capacity_cache_ttl: 2s
                """.formatted(PIN, trustStore), Map.of());

        HttpStorageSettings element = config.storage().httpElements().get(0);
        assertThat(config.storage().elements()).isEmpty();
        assertThat(element.id().value()).isEqualTo("se-edit-01");
        assertThat(element.mode()).isEqualTo(Mode.EDIT);
        assertThat(element.url()).isEqualTo(URI.create("https://se-edit-01.example:8010"));
        assertThat(element.priority()).isEqualTo(10);
        assertThat(element.pins()).containsExactly(PIN);
        assertThat(element.tls().minVersion()).isEqualTo("TLSv1.2");
        assertThat(element.tls().trustStore()).contains(trustStore);
        assertThat(element.tls().trustStorePassword()).contains("changeit");
        assertThat(element.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(90),
                Duration.ofMinutes(1), Duration.ZERO));
        assertThat(element.token()).isEqualTo(new StaticToken("static-secret-token"));
        assertThat(element.resilience()).isEqualTo(new Resilience(3, 6, Duration.ofSeconds(45), 1, 5,
                Duration.ofMillis(100), Duration.ofSeconds(2), 0.5, 16, Duration.ofSeconds(3)));
        assertThat(element.capacityCacheTtl()).isEqualTo(Duration.ofSeconds(2));

        String shown = config.describe().toString();
        assertThat(shown).contains("se-edit-01", "https://se-edit-01.example:8010", "type=http", "token=********",
                "trust_store_password=********").doesNotContain("static-secret-token", "changeit");
    }

    @Test
    void a_remote_element_takes_the_adapter_defaults_and_the_artstore_service_account() throws IOException {
        IngesterConfig config = load("""
                storage:
                  elements:
                    - id: se-rw-01
                      mode: rw
                      type: http
                      url: http://se-rw-01:8010
                    - id: local-edit
                      mode: edit
                """, Map.of("SERVICE_ACCOUNT_CLIENT_ID", "sa_prod_ingester_1a2b3c4d",
                "SERVICE_ACCOUNT_CLIENT_SECRET", "account-secret",
                "SERVICE_ACCOUNT_ADMIN_MODULE_URL", "https://admin.example:8000"));

        HttpStorageSettings element = config.storage().httpElements().get(0);
        assertThat(element.token()).isEqualTo(new ServiceAccount("sa_prod_ingester_1a2b3c4d", "account-secret",
                URI.create("https://admin.example:8000")));
        assertThat(element.priority()).isEqualTo(StorageSettings.DEFAULT_PRIORITY);
        assertThat(element.pins()).isEmpty();
        assertThat(element.tls()).isEqualTo(HttpStorageSettings.Tls.DEFAULT);
        assertThat(element.timeouts()).isEqualTo(Timeouts.DEFAULT);
        assertThat(element.resilience()).isEqualTo(Resilience.DEFAULT);
        assertThat(config.storage().elements()).extracting(e -> e.id().value()).containsExactly("local-edit");

        Map<String, Object> shown = config.describe();
        assertThat(shown.get("service_account").toString()).contains("sa_prod_ingester_1a2b3c4d", "client_secret=********",
                "https://admin.example:8000");
        assertThat(shown.toString()).doesNotContain("account-secret");
    }

    @Test
    void an_element_can_name_its_own_service_account_and_inherit_the_rest() throws IOException {
        IngesterConfig config = load("""
                service_account:
                  client_id: sa_prod_ingester_1a2b3c4d
                  client_secret: file-secret
                  admin_module_url: https://admin.example:8000
                storage:
                  elements:
                    - id: se-edit-01
                      mode: edit
                      type: http
                      url: http://se-edit-01:8010
                      service_account:
                        client_id: sa_prod_edit_99887766
                """, Map.of("INGESTER_SERVICE_ACCOUNT_CLIENT_SECRET", "variable-secret"));

        assertThat(config.storage().httpElements().get(0).token()).isEqualTo(new ServiceAccount("sa_prod_edit_99887766",
                "variable-secret", URI.create("https://admin.example:8000")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            url: se-01:8010                          | storage.elements[0].url        | http:// or https:// URL
            url: ftp://se-01                         | storage.elements[0].url        | http:// or https:// URL
            pins: [sha256/short]                     | storage.elements[0].pins       | a pin is 'sha256/'
            colour: blue                             | storage.elements[0].colour     | unknown setting
            timeouts: {read: 5 seconds}              | storage.elements[0].timeouts.read | duration such as 500ms
            timeouts: {connect: 0}                   | storage.elements[0].timeouts.connect | more than zero
            timeouts: {tick: 5s}                     | storage.elements[0].timeouts.tick | unknown setting
            breaker: {failure_threshold: 0}          | storage.elements[0].breaker.failure_threshold | whole number from 1
            breaker: {failure_threshold: 8, failure_window: 4} | storage.elements[0].breaker | failure threshold <= failure window
            retry: {delay: 2s, max_delay: 1s}        | storage.elements[0].retry      | retry max delay must be longer
            retry: {jitter: 2}                       | storage.elements[0].retry.jitter | from 0 to 1
            bulkhead: {size: 0}                      | storage.elements[0].bulkhead.size | whole number from 1
            tls: {min_version: TLSv1.1}              | storage.elements[0].tls.min_version | TLSv1.3
            tls: {trust_store: /no/such/ca.p12}      | storage.elements[0].tls.trust_store | does not exist
            tls: {trust_store_password: x}           | storage.elements[0].tls.trust_store_password | trust_store is not
            service_account: {client_id: sa_x}       | storage.elements[0].service_account.client_secret | is required
            mode: sideways                           | storage.elements[0].mode       | sideways
            """)
    void a_bad_value_stops_start_up_naming_its_key(String line, String key, String problem) throws IOException {
        String yaml = """
                storage:
                  elements:
                    - id: se-01
                      type: http
                """ + (line.startsWith("service_account:") ? "" : "      token: some-token\n")
                + (line.startsWith("url:") ? "" : "      url: https://se-01:8010\n")
                + (line.startsWith("mode:") ? "" : "      mode: edit\n")
                + "      " + line + "\n";

        assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.setting()).startsWith(key + " (in ");
            assertThat(e.getMessage()).contains(problem);
        });
    }

    @Test
    void a_wrong_trust_store_password_names_the_password_setting() throws IOException {
        Path trustStore = TestCertificates.newAuthority().writeTrustStore(folder.resolve("ca.p12"));

        assertThatThrownBy(() -> load("""
                storage:
                  elements:
                    - id: se-01
                      mode: edit
                      type: http
                      url: https://se-01:8010
                      token: some-token
                      tls:
                        trust_store: %s
                        trust_store_password: wrong
                """.formatted(trustStore), Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.setting()).startsWith("storage.elements[0].tls.trust_store_password"));
    }

    @Test
    void a_remote_element_without_any_token_stops_start_up() {
        assertThatThrownBy(() -> load("""
                storage:
                  elements:
                    - id: se-01
                      mode: edit
                      type: http
                      url: https://se-01:8010
                """, Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.setting()).startsWith("storage.elements[0].token");
            assertThat(e.getMessage()).contains("SERVICE_ACCOUNT_CLIENT_ID");
        });
    }

    @Test
    void a_token_and_a_service_account_together_are_refused() {
        assertThatThrownBy(() -> load("""
                storage:
                  elements:
                    - id: se-01
                      mode: edit
                      type: http
                      url: https://se-01:8010
                      token: some-token
                      service_account: {client_id: a, client_secret: b, admin_module_url: "http://admin:8000"}
                """, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.getMessage()).contains("not both"));
    }

    @Test
    void half_a_service_account_names_the_missing_variable() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("SERVICE_ACCOUNT_CLIENT_ID", "sa_prod_ingester_1a2b3c4d",
                "SERVICE_ACCOUNT_ADMIN_MODULE_URL", "https://admin:8000"))).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.setting()).startsWith("SERVICE_ACCOUNT_CLIENT_SECRET"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("SERVICE_ACCOUNT_CLIENT_ID", "a",
                "SERVICE_ACCOUNT_CLIENT_SECRET", "b", "SERVICE_ACCOUNT_ADMIN_MODULE_URL", "admin:8000")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("SERVICE_ACCOUNT_ADMIN_MODULE_URL"));
    }

    @Test
    void an_id_used_by_a_local_and_a_remote_element_is_refused() {
        assertThatThrownBy(() -> load("""
                storage:
                  elements:
                    - id: se-01
                      mode: edit
                    - id: se-01
                      mode: rw
                      type: http
                      url: https://se-01:8010
                      token: some-token
                """, Map.of())).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.getMessage()).contains("used twice"));
    }

    private IngesterConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), yaml);
        Map<String, String> variables = new HashMap<>(env);
        return ConfigLoader.load(List.of("--config", file.toString()), variables);
    }
}
