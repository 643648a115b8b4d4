package io.artstore.ingester.core.transfer;

/** Actions whose completion the log records, so that recovery never repeats a finished one needlessly. */
public enum Step {
    TARGET_STAGED,
    TARGET_PUBLISHED,
    SIGNATURE_COPIED,
    SOURCE_DELETED,
    CATALOGUE_UPDATED,
    EVENT_PUBLISHED,
    STAGED_DISCARDED,
    SOURCE_UNLOCKED
}
