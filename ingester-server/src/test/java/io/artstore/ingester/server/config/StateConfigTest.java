package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.redis.state.RedisStateStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code state} and {@code shared_state.*}, and the Redis connection from ArtStore's variables. */
class StateConfigTest {

    @TempDir
    Path folder;

    @Test
    void the_state_stays_in_files_by_default() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.state()).isEqualTo(StateSettings.EMBEDDED);
        assertThat(config.describe()).containsEntry("state", "file").doesNotContainKey("shared_state");
    }

    @Test
    void state_redis_in_the_file_connects_where_artstores_variables_say() throws IOException {
        Path file = Files.writeString(folder.resolve("ingester.yaml"), """
                state: redis
                shared_state:
                  wait_replicas: 1
                  wait_timeout: 250ms
                  retention: 2d
                  instance_lease: 10s
                """);

        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("REDIS_HOST", "redis.internal", "REDIS_PORT", "6380", "REDIS_PASSWORD", "s3cret", "REDIS_DB", "2"));

        assertThat(config.state()).isEqualTo(new StateSettings(StateSettings.Store.REDIS,
                Optional.of(new RedisStateStores.Connection("redis.internal", 6380, Optional.of("s3cret"), 2, List.of(),
                        Optional.empty(), Optional.empty())),
                1, Duration.ofMillis(250), Duration.ofDays(2), Duration.ofSeconds(10)));
        assertThat(config.describe().toString()).contains("state=redis", "wait_replicas=1", "host=redis.internal")
                .doesNotContain("s3cret");
    }

    @Test
    void the_environment_picks_redis_behind_sentinels() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis",
                "REDIS_SENTINEL_HOSTS", "10.0.0.1:26379, 10.0.0.2:26379", "REDIS_SENTINEL_MASTER", "mymaster",
                "REDIS_SENTINEL_PASSWORD", "other"));

        RedisStateStores.Connection connection = config.state().redis().orElseThrow();
        assertThat(connection.sentinel()).isTrue();
        assertThat(connection.sentinels()).containsExactly("10.0.0.1:26379", "10.0.0.2:26379");
        assertThat(connection.masterName()).contains("mymaster");
        assertThat(connection.sentinelPassword()).contains("other");
        assertThat(config.state().waitReplicas()).isZero();
    }

    @Test
    void bad_settings_are_named() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "memcached")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("INGESTER_STATE"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis", "REDIS_PORT", "http")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("REDIS_PORT"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis",
                "REDIS_SENTINEL_HOSTS", "10.0.0.1:26379")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("REDIS_SENTINEL_MASTER"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis",
                "REDIS_SENTINEL_HOSTS", "10.0.0.1", "REDIS_SENTINEL_MASTER", "m")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("REDIS_SENTINEL_HOSTS"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE_WAIT_REPLICAS", "-1")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("INGESTER_STATE_WAIT_REPLICAS"));
    }
}
