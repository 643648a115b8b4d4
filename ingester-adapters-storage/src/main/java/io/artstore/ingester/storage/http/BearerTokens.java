package io.artstore.ingester.storage.http;

/** Where an element's bearer token comes from. Thread-safe. */
public interface BearerTokens {

    /** A token valid now, fetched or refreshed when needed. */
    String current();

    /** Forgets {@code rejected} after the element answered 401 to it, so that the next call fetches a new one. */
    void invalidate(String rejected);

    static BearerTokens of(String token) {
        return new BearerTokens() {
            @Override
            public String current() {
                return token;
            }

            @Override
            public void invalidate(String rejected) {
                // A configured token cannot be renewed; the caller reports the 401.
            }
        };
    }
}
