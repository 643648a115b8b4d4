package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.RedisSettings.Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code state} and {@code shared_state.*}, over the one Redis configuration ({@code redis.*}, ArtStore's variables). */
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
                1, Duration.ofMillis(250), Duration.ofDays(2), Duration.ofSeconds(10)));
        RedisSettings redis = config.redis().orElseThrow();
        assertThat(redis.topology()).isEqualTo(new RedisSettings.Standalone(new Address("redis.internal", 6380)));
        assertThat(redis.password()).contains("s3cret");
        assertThat(redis.database()).isEqualTo(2);
        // A durable write blocks on WAIT for up to wait_timeout: reads outlast it by the usual timeout (2 s).
        assertThat(redis.readTimeout()).isEqualTo(Duration.ofMillis(2250));
        assertThat(redis.timeout()).isEqualTo(RedisSettings.DEFAULT_TIMEOUT);
        assertThat(config.describe().toString()).contains("state=redis", "wait_replicas=1", "host=redis.internal")
                .doesNotContain("s3cret");
    }

    @Test
    void the_environment_picks_redis_behind_sentinels() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis",
                "REDIS_SENTINEL_HOSTS", "10.0.0.1:26379, 10.0.0.2:26379", "REDIS_SENTINEL_MASTER", "mymaster",
                "REDIS_SENTINEL_PASSWORD", "other"));

        assertThat(config.redis().orElseThrow().topology()).isEqualTo(new RedisSettings.Sentinel("mymaster",
                List.of(new Address("10.0.0.1", 26379), new Address("10.0.0.2", 26379)), Optional.of("other")));
        assertThat(config.state().waitReplicas()).isZero();
        assertThat(config.redis().orElseThrow().readTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void state_redis_without_any_redis_configured_is_refused_by_name() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).startsWith("INGESTER_STATE");
                    assertThat(e.getMessage()).contains("REDIS_HOST", "REDIS_SENTINEL_HOSTS", "REDIS_CLUSTER_NODES");
                });
    }

    @Test
    void without_the_shared_state_reads_wait_only_the_usual_timeout() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("REDIS_HOST", "redis.internal"));

        assertThat(config.state().store()).isEqualTo(StateSettings.Store.FILE);
        assertThat(config.redis().orElseThrow().readTimeout()).isEqualTo(RedisSettings.DEFAULT_TIMEOUT);
    }

    @Test
    void bad_settings_are_named() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "memcached")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("INGESTER_STATE"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis", "REDIS_HOST", "redis.internal",
                "REDIS_PORT", "http")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).startsWith("REDIS_PORT"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis",
                "REDIS_SENTINEL_HOSTS", "10.0.0.1:26379")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).startsWith("REDIS_SENTINEL_MASTER"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE", "redis",
                "REDIS_SENTINEL_HOSTS", "10.0.0.1:sentinel", "REDIS_SENTINEL_MASTER", "m")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).startsWith("REDIS_SENTINEL_HOSTS"));
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_STATE_WAIT_REPLICAS", "-1")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("INGESTER_STATE_WAIT_REPLICAS"));
    }
}
