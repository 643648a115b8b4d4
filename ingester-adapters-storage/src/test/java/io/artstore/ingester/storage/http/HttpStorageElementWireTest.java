package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an upload costs on the wire to a fixture SE: the calls it makes and how its connections send. */
class HttpStorageElementWireTest {

    @TempDir
    Path root;

    private SeFixtures fixtures;

    @AfterEach
    void stopFixtures() {
        if (fixtures != null) {
            fixtures.close();
        }
    }

    @Test
    void connections_over_plain_http_send_without_waiting_for_acks() {
        fixtures = new SeFixtures(root, false);
        assertUploadsWithoutNagle(HttpStorageElement.newSharedClient());
    }

    @Test
    void connections_over_tls_send_without_waiting_for_acks() {
        fixtures = new SeFixtures(root, true);
        assertUploadsWithoutNagle(HttpStorageElement.newSharedClient());
    }

    /** An element handed any client, not only the one {@link HttpStorageElement#newSharedClient} makes. */
    @Test
    void an_element_given_a_default_client_still_turns_nagle_off() {
        fixtures = new SeFixtures(root, false);
        assertUploadsWithoutNagle(new OkHttpClient());
    }

    /**
     * With Nagle's algorithm on, the last write of a request body waits until the SE acknowledges the one before,
     * which its delayed ACK holds back for up to 40 ms: every upload paid that.
     */
    private void assertUploadsWithoutNagle(OkHttpClient shared) {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        Sockets sockets = new Sockets();
        HttpStorageElement element = new HttpStorageElement(fixtures.settings(server, Mode.EDIT, 0),
                shared.newBuilder().eventListener(sockets).build());
        StoreRequest request = aStoreRequest().build();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(randomBytes(100_000)));

        assertThat(stored.fileSize()).isEqualTo(100_000);
        assertThat(sockets.used).isNotEmpty();
        assertThat(sockets.used).allSatisfy(socket -> assertThat(noDelay(socket)).as("TCP_NODELAY of %s", socket).isTrue());
    }

    private static boolean noDelay(Socket socket) {
        try {
            return socket.getTcpNoDelay();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sockets the calls ran on. */
    private static final class Sockets extends EventListener {
        final List<Socket> used = new CopyOnWriteArrayList<>();

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            used.add(connection.socket());
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
