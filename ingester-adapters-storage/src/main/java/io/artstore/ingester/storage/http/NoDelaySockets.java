package io.artstore.ingester.storage.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * Sockets with Nagle's algorithm off. OkHttp leaves it on, and an upload's body goes out in several writes: the
 * kernel then holds a write back until the SE acknowledges the previous one, which the SE delays by up to 40 ms
 * (delayed ACK) because it has nothing to send yet. Every request paid that wait once. TLS sockets are layered on
 * these, so the option holds for them too.
 */
final class NoDelaySockets extends SocketFactory {

    private final SocketFactory delegate;

    NoDelaySockets(SocketFactory delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The factory itself if it already turns Nagle off, else one that does over it. */
    static SocketFactory over(SocketFactory factory) {
        return factory instanceof NoDelaySockets ? factory : new NoDelaySockets(factory);
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
