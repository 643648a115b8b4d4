package io.artstore.ingester.core.transfer;

/** Actions whose completion the log records, so that recovery never repeats a finished one needlessly. */
public enum Step {
    TARGET_STAGED,
    /** The source's signature, if it has one, was staged beside the target's copy (phase one). */
    SIGNATURE_STAGED,
    TARGET_PUBLISHED,
    /** Phase two of a transaction logged before signatures were staged in phase one. */
    SIGNATURE_COPIED,
    SOURCE_DELETED,
    CATALOGUE_UPDATED,
    EVENT_PUBLISHED,
    STAGED_DISCARDED,
    SOURCE_UNLOCKED
}
