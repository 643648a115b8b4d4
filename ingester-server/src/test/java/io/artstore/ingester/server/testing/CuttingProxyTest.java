package io.artstore.ingester.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CuttingProxyTest {

    @Test
    void a_connection_carries_exactly_its_allowance_then_is_cut_and_the_next_goes_to_the_next_target() throws Exception {
        try (Sink first = new Sink(); Sink second = new Sink();
             CuttingProxy proxy = CuttingProxy.start(List.of(CuttingProxy.address(first.port()),
                     CuttingProxy.address(second.port())), 100_000, 100_000, 1)) {
            assertThatThrownBy(() -> send(proxy.port(), 1_000_000)).isInstanceOf(IOException.class);
            TestServer.await("the first target saw the cut", () -> first.closed == 1);

            assertThat(first.received.get()).isEqualTo(100_000);
            assertThat(proxy.cuts()).isEqualTo(1);

            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                socket.getOutputStream().write(new byte[10]);
                socket.shutdownOutput();
                assertThat(socket.getInputStream().readAllBytes()).as("the server's answer").hasSize(10);
            }
            assertThat(second.received.get()).isEqualTo(10);
            assertThat(proxy.cuts()).isEqualTo(1);
            assertThat(proxy.connectionsTo(0)).isEqualTo(1);
            assertThat(proxy.connectionsTo(1)).isEqualTo(1);
        }
    }

    @Test
    void allowances_vary_between_the_bounds() throws Exception {
        try (Sink sink = new Sink();
             CuttingProxy proxy = CuttingProxy.start(List.of(CuttingProxy.address(sink.port())), 50_000, 150_000, 7)) {
            long before = 0;
            List<Long> seen = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> send(proxy.port(), 1_000_000)).isInstanceOf(IOException.class);
                int closed = i + 1;
                TestServer.await("connection " + closed + " cut", () -> sink.closed == closed);
                seen.add(sink.received.get() - before);
                before = sink.received.get();
            }
            assertThat(seen).allSatisfy(n -> assertThat(n).isBetween(50_000L, 150_000L));
            assertThat(seen.stream().distinct().count()).isGreaterThan(1);
            assertThat(proxy.cuts()).isEqualTo(5);
        }
    }

    /** Writes n bytes, reading nothing; fails when the proxy resets the connection. */
    private static void send(int port, int n) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[8192];
            for (int sent = 0; sent < n; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            // The reset arrives as an error on read at the latest.
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            throw new IOException("no cut: the connection ended normally");
        }
    }

    /** Counts what arrives on each connection and echoes as many bytes once the client stops sending. */
    private static final class Sink implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicLong received = new AtomicLong();
        volatile int closed;

        Sink() throws IOException {
            Thread thread = new Thread(() -> {
                while (true) {
                    try (Socket connection = socket.accept()) {
                        long n = connection.getInputStream().transferTo(OutputStream.nullOutputStream());
                        received.addAndGet(n);
                        closed++;
                        connection.getOutputStream().write(new byte[(int) Math.min(n, 1_000)]);
                    } catch (IOException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
