package io.artstore.ingester.core.upload;

/** Where a resumable upload is in its life. */
public enum UploadState {
    /** Bytes are still expected (or, for a final concatenation, its parts are). */
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
