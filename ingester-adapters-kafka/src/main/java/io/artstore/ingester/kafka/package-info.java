/**
 * Kafka adapters: file events relayed from the outbox, audit records and security alerts, each on its topic,
 * through an idempotent producer. Depends on the core only.
 */
package io.artstore.ingester.kafka;
