package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.port.out.Tracing;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * The connections that all HTTP storage elements of one process share: one pool (keep-alive, HTTP/2 over TLS)
 * and one dispatcher. Elements made by {@link #element} derive their own client from it for their TLS rules,
 * pins and timeouts. Closing it drops the idle connections and stops the dispatcher's threads; the elements
 * must not be used afterwards.
 */
public final class SharedHttpConnections implements AutoCloseable {

    private final OkHttpClient client;
    private final Tracing tracing;
    private volatile boolean closed;

    private SharedHttpConnections(OkHttpClient client, Tracing tracing) {
        this.client = client;
        this.tracing = tracing;
    }

    public static SharedHttpConnections open() {
        return open(Tracing.NONE);
    }

    /** @param tracing what the elements report their calls to */
    public static SharedHttpConnections open(Tracing tracing) {
        return new SharedHttpConnections(ElementClients.shared(), Objects.requireNonNull(tracing, "tracing"));
    }

    /** A new element that uses these connections. */
    public HttpStorageElement element(HttpStorageSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (closed) {
            throw new IllegalStateException("the shared connections are closed; no element can use them");
        }
        return new HttpStorageElement(settings, client, tracing);
    }

    /** Connections in the pool now, busy or idle. */
    public int openConnections() {
        return client.connectionPool().connectionCount();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
