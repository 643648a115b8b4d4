package io.artstore.ingester.storage.fs;

/** A folder that must have one owner at a time is locked by another one; the message names both. */
public final class FolderInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FolderInUseException(String message) {
        super(message);
    }
}
