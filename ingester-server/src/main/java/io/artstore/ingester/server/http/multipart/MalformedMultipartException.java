package io.artstore.ingester.server.http.multipart;

import java.io.IOException;

/**
 * The body is not the multipart body it claims to be: no boundary, a part cut off before the closing boundary,
 * bytes after a boundary that are not allowed there. An {@link IOException}, because a part's stream raises it
 * while it is read; a client that goes away raises the transport's own exception instead, never this one.
 */
public class MalformedMultipartException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedMultipartException(String message) {
        super(message);
    }
}
