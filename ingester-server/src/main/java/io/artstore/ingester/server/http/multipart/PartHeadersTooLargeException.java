package io.artstore.ingester.server.http.multipart;

/** A part's header block is longer than the parser reads; nothing of the part was handed out. */
public final class PartHeadersTooLargeException extends MalformedMultipartException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public PartHeadersTooLargeException(int limit) {
        super("a part's headers are longer than " + limit + " bytes");
        this.limit = limit;
    }

    /** The most bytes of one part's header block, its closing empty line included. */
    public int limit() {
        return limit;
    }
}
