package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.RedisSettings.Address;
import io.artstore.ingester.storage.http.HttpStorageSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis from ArtStore's variables (or the file), and the connection settings of discovered storage elements. */
class DiscoveryConfigTest {

    @TempDir
    Path folder;

    @Test
    void without_redis_there_is_no_discovery_and_the_embedded_default_is_unchanged() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.redis()).isEmpty();
        assertThat(config.discovery().enabled()).isFalse();
        assertThat(config.storage().elements()).extracting(e -> e.id().value()).containsExactly("local-edit", "local-rw");
        assertThat(config.defaultsOnly()).isTrue();
    }

    @Test
    void artstores_variables_give_a_standalone_server_and_win_over_the_file() throws IOException {
        Path file = Files.writeString(folder.resolve("c.yaml"), "redis:\n  host: from-file\n  port: 1\n  db: 2\n");
        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()), Map.of("REDIS_HOST", "redis.example",
                "REDIS_PORT", "6380", "REDIS_PASSWORD", "pw", "REDIS_DB", "3"));

        RedisSettings redis = config.redis().orElseThrow();
        assertThat(redis.topology()).isEqualTo(new RedisSettings.Standalone(new Address("redis.example", 6380)));
        assertThat(redis.password()).contains("pw");
        assertThat(redis.database()).isEqualTo(3);
        assertThat(config.discovery().enabled()).as("on with Redis").isTrue();
        assertThat(config.describe().toString()).doesNotContain("pw,").contains("password=" + IngesterConfig.MASK);
    }

    @Test
    void a_trust_store_for_redis_needs_tls_and_a_readable_file_and_its_password_is_masked() throws IOException {
        Path store = Files.write(folder.resolve("redis-ca.p12"), new byte[] {1});
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "r",
                "INGESTER_REDIS_TLS_TRUST_STORE", store.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGESTER_REDIS_TLS");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "r", "INGESTER_REDIS_TLS", "on",
                "INGESTER_REDIS_TLS_TRUST_STORE", folder.resolve("missing.p12").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be read");

        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "r", "INGESTER_REDIS_TLS", "on",
                "INGESTER_REDIS_TLS_TRUST_STORE", store.toString(), "INGESTER_REDIS_TLS_TRUST_STORE_PASSWORD", "store-pw"));

        RedisSettings redis = config.redis().orElseThrow();
        assertThat(redis.tls()).isTrue();
        assertThat(redis.trustStore()).contains(new RedisSettings.TrustStore(store, Optional.of("store-pw")));
        assertThat(config.describe().toString()).doesNotContain("store-pw").contains(store.toString());
        assertThat(ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "r", "INGESTER_REDIS_TLS", "on")).redis().orElseThrow()
                .trustStore()).as("the JVM's trust by default").isEmpty();
    }

    @Test
    void sentinel_needs_its_master_name_and_has_its_own_password() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("REDIS_SENTINEL_HOSTS", "a:26379,b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("REDIS_SENTINEL_MASTER");

        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("REDIS_SENTINEL_HOSTS", "a:26380, b",
                "REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_PASSWORD", "sentinel-pw", "REDIS_PASSWORD", "data-pw",
                "REDIS_HOST", "ignored-when-sentinels-are-given"));

        RedisSettings redis = config.redis().orElseThrow();
        assertThat(redis.topology()).isEqualTo(new RedisSettings.Sentinel("mymaster",
                List.of(new Address("a", 26380), new Address("b", 26379)), Optional.of("sentinel-pw")));
        assertThat(redis.password()).contains("data-pw");
        assertThat(config.describe().toString()).doesNotContain("sentinel-pw").doesNotContain("data-pw");
    }

    @Test
    void a_cluster_is_named_by_its_nodes_and_has_only_database_0() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("REDIS_CLUSTER_NODES", "n1:7000,n2:7001"));
        assertThat(config.redis().orElseThrow().topology())
                .isEqualTo(new RedisSettings.Cluster(List.of(new Address("n1", 7000), new Address("n2", 7001))));

        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("REDIS_CLUSTER_NODES", "n1:7000", "REDIS_DB", "1")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("REDIS_DB");
    }

    @Test
    void discovered_elements_take_their_own_settings_or_the_defaults_with_the_announced_address() throws IOException {
        Path file = Files.writeString(folder.resolve("c.yaml"), """
                redis:
                  host: 127.0.0.1
                discovery:
                  poll_interval: 2s
                  element_defaults:
                    token: default-token
                  elements:
                    se-02:
                      token: own-token
                      timeouts:
                        read: 7s
                """);
        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()), Map.of());
        DiscoverySettings discovery = config.discovery();
        assertThat(discovery.pollInterval()).hasSeconds(2);

        HttpStorageSettings first = discovery.settingsOf(announced("se-01", "http://se-01:8010", Mode.RW, 7));
        assertThat(first.id()).isEqualTo(StorageElementId.of("se-01"));
        assertThat(first.url()).isEqualTo(URI.create("http://se-01:8010"));
        assertThat(first.mode()).isEqualTo(Mode.RW);
        assertThat(first.priority()).isEqualTo(7);
        assertThat(first.token()).isEqualTo(new HttpStorageSettings.StaticToken("default-token"));

        HttpStorageSettings second = discovery.settingsOf(announced("se-02", "http://se-02:8010", Mode.EDIT, 100));
        assertThat(second.token()).isEqualTo(new HttpStorageSettings.StaticToken("own-token"));
        assertThat(second.timeouts().read()).hasSeconds(7);
        assertThat(config.describe().toString()).doesNotContain("default-token").doesNotContain("own-token");
    }

    @Test
    void the_announced_address_is_not_configured_and_an_element_without_any_token_is_refused_when_built() throws IOException {
        Path file = Files.writeString(folder.resolve("c.yaml"), """
                redis:
                  host: 127.0.0.1
                discovery:
                  elements:
                    se-01:
                      url: http://elsewhere
                      token: t
                """);
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("discovery.elements.se-01.url");

        IngesterConfig noToken = ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "127.0.0.1"));
        assertThatThrownBy(() -> noToken.discovery().settingsOf(announced("se-01", "http://se:1", Mode.EDIT, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no token");
    }

    @Test
    void discovery_cannot_be_switched_on_without_redis() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_DISCOVERY_ENABLED", "on")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("INGESTER_DISCOVERY_ENABLED");
        IngesterConfig off = ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "h", "INGESTER_DISCOVERY_ENABLED", "off"));
        assertThat(off.discovery().enabled()).isFalse();
        assertThat(off.redis()).isPresent();
    }

    private static DiscoveredElement announced(String id, String url, Mode mode, int priority) {
        return new DiscoveredElement(StorageElementId.of(id), id, URI.create(url), mode, priority, true, "online");
    }
}
