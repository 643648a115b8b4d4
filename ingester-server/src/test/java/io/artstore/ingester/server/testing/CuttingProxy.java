package io.artstore.ingester.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free port of 127.0.0.1 that drops connections the way a bad link does: once a connection has
 * carried its allowance of bytes from the client (a size drawn between a minimum and a maximum for each
 * connection), the proxy forwards exactly that many, then resets the client's socket and closes the server's, in
 * the middle of whatever request was flowing. Each new connection goes to the next target in turn, so that with
 * two targets every reconnection lands on the other instance.
 */
public final class CuttingProxy implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final ServerSocket listener;
    private final List<InetSocketAddress> targets;
    private final long minBytes;
    private final long maxBytes;
    private final Random random;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicLong forwarded = new AtomicLong();
    private final int[] perTarget;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private CuttingProxy(List<InetSocketAddress> targets, long minBytes, long maxBytes, long seed) throws IOException {
        if (targets.isEmpty() || minBytes <= 0 || maxBytes < minBytes) {
            throw new IllegalArgumentException("targets and 0 < minBytes <= maxBytes needed");
        }
        this.targets = List.copyOf(targets);
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
        this.random = new Random(seed);
        this.perTarget = new int[targets.size()];
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "cutting-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param minBytes the fewest client bytes a connection carries before it is cut
     * @param maxBytes the most; each connection's allowance is drawn uniformly in between
     * @param seed     makes the sequence of allowances repeatable
     */
    public static CuttingProxy start(List<InetSocketAddress> targets, long minBytes, long maxBytes, long seed) {
        try {
            return new CuttingProxy(targets, minBytes, maxBytes, seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A proxy that never cuts: every connection may carry any number of bytes. */
    public static CuttingProxy passThrough(List<InetSocketAddress> targets) {
        return start(targets, Long.MAX_VALUE, Long.MAX_VALUE, 0);
    }

    public static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The proxy's address with the given path, e.g. {@code /api/v1/uploads}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** How many connections the proxy cut after their allowance. */
    public int cuts() {
        return cuts.get();
    }

    /** How many client connections the proxy accepted. */
    public int connections() {
        return connections.get();
    }

    /** How many connections went to the target of that index. */
    public synchronized int connectionsTo(int target) {
        return perTarget[target];
    }

    /** Client bytes forwarded to the targets, over all connections. */
    public long forwardedBytes() {
        return forwarded.get();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            int index = connections.getAndIncrement();
            long allowance;
            InetSocketAddress target;
            synchronized (this) {
                allowance = maxBytes == minBytes ? minBytes : minBytes + (long) (random.nextDouble() * (maxBytes - minBytes));
                int chosen = index % targets.size();
                perTarget[chosen]++;
                target = targets.get(chosen);
            }
            Thread connection = new Thread(() -> relay(client, target, allowance), "cutting-proxy-connection-" + index);
            connection.setDaemon(true);
            connection.start();
        }
    }

    private void relay(Socket client, InetSocketAddress target, long allowance) {
        Socket server = new Socket();
        open.add(client);
        open.add(server);
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(target, 5_000);
            Thread back = new Thread(() -> pump(server, client), Thread.currentThread().getName() + "-back");
            back.setDaemon(true);
            back.start();
            if (forward(client, server, allowance)) {
                cuts.incrementAndGet();
                // A reset, as a broken link gives the client; the server sees its request end early.
                client.setSoLinger(true, 0);
            } else {
                // The client finished sending: let the server's answer through before closing.
                server.shutdownOutput();
                back.join();
            }
        } catch (IOException e) {
            // Either side went away: the other is closed below, as a real proxy would.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    /** Copies client bytes up to the allowance; true when the allowance ran out (a cut), false on the client's end. */
    private boolean forward(Socket client, Socket server, long allowance) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = server.getOutputStream();
        byte[] buffer = new byte[BUFFER];
        long left = allowance;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return false;
            }
            out.write(buffer, 0, n);
            forwarded.addAndGet(n);
            left -= n;
        }
        out.flush();
        return true;
    }

    private void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // the relay closes both sockets
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing more to release
        }
        for (Socket socket : List.copyOf(open)) {
            closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "CuttingProxy[port=" + port() + ", connections=" + connections() + ", cuts=" + cuts()
                + ", forwarded=" + forwardedBytes() + "]";
    }
}
