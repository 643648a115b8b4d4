package io.artstore.ingester.storage.crypto;

import java.io.IOException;

/** An encrypted envelope that cannot be opened: changed, cut short, reordered, or under a key this ingester lacks. */
public final class EnvelopeException extends IOException {

    public EnvelopeException(String message) {
        super(message);
    }

    public EnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
