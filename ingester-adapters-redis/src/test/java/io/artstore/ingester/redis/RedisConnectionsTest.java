package io.artstore.ingester.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.redis.RedisSettings.Address;
import io.artstore.ingester.redis.fixture.RedisProcess;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

class RedisConnectionsTest {

    @Test
    void aStandaloneClientUsesTheConfiguredDatabaseAndPassword(@TempDir Path dir) {
        try (RedisProcess redis = RedisProcess.start(dir, "--requirepass", "s3cret")) {
            RedisSettings settings = new RedisSettings(new RedisSettings.Standalone(new Address(redis.host(), redis.port())),
                    Optional.of("s3cret"), 3, false, RedisSettings.DEFAULT_TIMEOUT, RedisSettings.DEFAULT_MASTER_RECHECK);
            try (RedisConnections connections = RedisConnections.open(settings)) {
                connections.client().set("k", "in-3");
                assertThat(connections.describe()).isEqualTo("standalone 127.0.0.1:" + redis.port());
            }
            try (Jedis direct = new Jedis(new HostAndPort(redis.host(), redis.port()),
                    DefaultJedisClientConfig.builder().password("s3cret").build())) {
                assertThat(direct.get("k")).isNull();
                direct.select(3);
                assertThat(direct.get("k")).isEqualTo("in-3");
            }
        }
    }

    @Test
    void addressesParseWithAndWithoutPort() {
        assertThat(Address.parseList(" a:1, b ,c:26380", 26379))
                .containsExactly(new Address("a", 1), new Address("b", 26379), new Address("c", 26380));
        assertThatThrownBy(() -> Address.parse("a:x", 1)).hasMessageContaining("host:port");
    }
}
