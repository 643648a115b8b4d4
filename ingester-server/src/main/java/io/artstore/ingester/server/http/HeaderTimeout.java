package io.artstore.ingester.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Closes a connection whose first request's headers are not complete within the deadline. An idle timeout alone
 * does not stop a slow-loris client, which sends a byte of its headers just often enough to never be idle.
 */
final class HeaderTimeout implements Connection.Listener {

    private final Connector connector;
    private final Duration timeout;

    private HeaderTimeout(Connector connector, Duration timeout) {
        this.connector = connector;
        this.timeout = timeout;
    }

    /** Sets the deadline and the idle timeout on each connector of {@code server} as it starts. */
    static void install(Server server, Duration headerTimeout, Duration idleTimeout) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector abstractConnector) {
                        abstractConnector.setIdleTimeout(idleTimeout.toMillis());
                        abstractConnector.addBean(new HeaderTimeout(connector, headerTimeout));
                    }
                }
            }
        });
    }

    @Override
    public void onOpened(Connection connection) {
        connector.getScheduler().schedule(() -> {
            if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
                connection.getEndPoint().close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
    }
}
