package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileId;
import java.util.Optional;

/**
 * File id → the storage element that holds it. Writes are durable when the call returns.
 *
 * <p>Two kinds of writer: the sagas and the transfer know the file completely and {@link #put} it, replacing
 * whatever is there; a lookup that found the file on an element only fills a gap with {@link #putIfAbsent}, since
 * an element (a remote SE reports no metadata) may know less than an entry written meanwhile. Whatever the order,
 * the authoritative entry stays.
 *
 * <p>"Atomically" below holds against every writer of the catalogue: the embedded catalogue is owned by one process
 * (it refuses a second on its folder), a shared one decides in its store (one script in Redis).
 */
public interface FileCatalog {

    /** Records the entry, replacing any entry of the same file: for writers that know the file completely. */
    void put(CatalogEntry entry);

    /**
     * Records the entry only when the file has none, atomically (no other write can come between the check and
     * the write), and returns the entry now stored: {@code entry} itself, or the one that was there.
     */
    CatalogEntry putIfAbsent(CatalogEntry entry);

    Optional<CatalogEntry> find(FileId fileId);

    /**
     * Removes the file's entry only if it is {@code expected}, atomically: for a lookup taking back a write-back
     * that a delete or a move overtook, without touching an entry another writer recorded meanwhile.
     *
     * @return whether it removed the entry
     */
    boolean removeIf(CatalogEntry expected);

    /** Idempotent: removing an unknown id does nothing. */
    void remove(FileId fileId);

    long size();
}
