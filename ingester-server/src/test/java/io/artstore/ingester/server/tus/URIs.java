package io.artstore.ingester.server.tus;

import java.net.URI;

final class URIs {

    private URIs() {}

    /** The path (and query) of an absolute or relative URL, to ask another address for the same resource. */
    static String path(String url) {
        URI uri = URI.create(url);
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }
}
