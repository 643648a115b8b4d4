package io.artstore.ingester.core.port.out;

import java.util.Locale;

/** Why a registry entry is soft-deleted: the admin module's {@code deletion_reason} values. */
public enum DeletionReason {
    /** Deleted on request. */
    MANUAL,
    TTL_EXPIRED,
    /** The stored copy was cleaned up, e.g. an add that was undone after it had registered the file. */
    GC_CLEANUP,
    FINALIZED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeletionReason parse(String text) {
        for (DeletionReason reason : values()) {
            if (reason.wireName().equals(text)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("deletion_reason must be one of manual, ttl_expired, gc_cleanup, finalized; got '"
                + text + "'");
    }
}
