/**
 * Redis adapters: ArtStore's service discovery (the {@code artstore:storage_elements} snapshot and its channel)
 * and the shared state that lets any instance of a cluster finish any operation. Depends on the core only.
 */
package io.artstore.ingester.redis;
