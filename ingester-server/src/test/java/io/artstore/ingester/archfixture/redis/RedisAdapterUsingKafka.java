package io.artstore.ingester.archfixture.redis;

import io.artstore.ingester.archfixture.kafka.KafkaAdapterUsingStorage;

/** The other half of the kafka ↔ redis package cycle. */
public final class RedisAdapterUsingKafka {

    private KafkaAdapterUsingStorage kafka;

    public void lock() {
        if (kafka == null) {
            kafka = new KafkaAdapterUsingStorage();
        }
    }
}
