package io.artstore.ingester.archfixture.kafka;

import io.artstore.ingester.archfixture.core.domain.FixtureValue;
import io.artstore.ingester.archfixture.redis.RedisAdapterUsingKafka;
import io.artstore.ingester.archfixture.storage.FixtureStorageAdapter;

/** Breaks the rule that adapters do not depend on each other, and closes a cycle with the redis fixture. */
public final class KafkaAdapterUsingStorage {

    public void publish(FixtureStorageAdapter storage, RedisAdapterUsingKafka redis) {
        storage.keep(new FixtureValue("event"));
        redis.lock();
    }
}
