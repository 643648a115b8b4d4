package io.artstore.ingester.core.upload;

/** Where a resumable upload is in its life. */
public enum UploadState {
    /**
     * Bytes are still expected (or, for a final concatenation, its parts are); or all are staged and the last try to
     * store them failed for a reason that passes ({@link UploadSession#failure()} says which), to be tried again.
     */
    RECEIVING,
    /** All bytes are staged; the file is being stored by the add saga. */
    COMPLETING,
    /** The file is stored; {@link UploadSession#fileId()} names it. */
    COMPLETED,
    /** Storing the file failed for good; {@link UploadSession#failure()} says why. */
    FAILED;

    public boolean isFinished() {
        return this == COMPLETED || this == FAILED;
    }
}
