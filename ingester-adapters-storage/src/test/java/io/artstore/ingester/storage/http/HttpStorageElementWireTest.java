package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.testing.TrickleInputStream;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;
import okio.Sink;
import okio.Timeout;
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

    // --- What a small upload sends ---

    @Test
    void a_small_upload_is_one_post_with_its_length_and_no_wait_for_100_continue_then_one_patch() {
        StorageElementServer server = startEditElement();
        Requests requests = new Requests();
        HttpStorageElement element = elementRecording(server, requests);
        StoreRequest request = aStoreRequest().build();
        long before = server.apiRequests();

        element.store(request, new ByteArrayInputStream(randomBytes(10_000)));

        assertThat(requests.lines).containsExactly(
                "POST /api/v1/files/upload expect=none length=known",
                "PATCH /api/v1/files/" + request.fileId() + " expect=none length=known");
        assertThat(server.apiRequests() - before).isEqualTo(2);
    }

    /** A refusal before the body is read keeps the stream unread, so that the upload can be repeated. */
    @Test
    void content_longer_than_one_block_is_streamed_after_100_continue() {
        StorageElementServer server = startEditElement();
        Requests requests = new Requests();
        HttpStorageElement element = elementRecording(server, requests);
        StoreRequest request = aStoreRequest().build();
        byte[] bytes = randomBytes(StreamingFilePart.BLOCK);

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        assertThat(stored.fileSize()).isEqualTo(bytes.length);
        assertThat(requests.lines).first().isEqualTo("POST /api/v1/files/upload expect=100-continue length=unknown");
    }

    @Test
    void a_small_upload_refused_with_503_is_sent_again_once_the_se_says_it_did_not_land() {
        StorageElementServer server = startEditElement();
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().failNext(1, 503);
        StoreRequest request = aStoreRequest().build();
        byte[] bytes = randomBytes(10_000);
        long before = server.apiRequests();

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        // The refused upload, the question whether it landed, the upload again, the PATCH.
        assertThat(server.apiRequests() - before).isEqualTo(4);
        assertThat(stored.fileSize()).isEqualTo(bytes.length);
        assertThat(element.stat(request.fileId()).map(FileAttributes::checksum)).contains(stored.checksum());
        fixtures.assertNoLeftovers();
    }

    /** The SE answers 500 once it has read the body (a full disk, a duplicate id): never sent again. */
    @Test
    void a_small_upload_answered_with_500_is_not_sent_again() {
        StorageElementServer server = startEditElement();
        Requests requests = new Requests();
        HttpStorageElement element = elementRecording(server, requests);
        server.faults().failWrites(true);
        StoreRequest request = aStoreRequest().build();
        long before = server.apiRequests();

        assertThatThrownBy(() -> element.store(request, new ByteArrayInputStream(randomBytes(10_000))))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("se_error"));

        // One upload, then the question whether it landed anyway and a fresh look at the free space.
        assertThat(server.apiRequests() - before).isBetween(1L, 3L);
        assertThat(requests.lines).filteredOn(line -> line.startsWith("POST ")).hasSize(1);
    }

    @Test
    void a_small_upload_whose_answer_was_lost_is_found_and_not_stored_twice() {
        StorageElementServer server = startEditElement();
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        server.faults().loseUploadAnswers(true);
        StoreRequest request = aStoreRequest().build();
        byte[] bytes = randomBytes(10_000);

        FileAttributes stored = element.store(request, new ByteArrayInputStream(bytes));

        server.faults().clear();
        assertThat(stored.fileSize()).isEqualTo(bytes.length);
        assertThat(element.stat(request.fileId()).map(FileAttributes::checksum)).contains(stored.checksum());
        assertThat(SeFixtures.storedFiles(server.dataFolder())).hasSize(2);
        fixtures.assertNoLeftovers();
    }

    @Test
    void an_empty_file_is_refused_without_a_call() {
        StorageElementServer server = startEditElement();
        HttpStorageElement element = fixtures.element(server, Mode.EDIT);
        long before = server.apiRequests();

        assertThatThrownBy(() -> element.store(aStoreRequest().build(), InputStream.nullInputStream()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("empty_file"));

        assertThat(server.apiRequests()).isEqualTo(before);
    }

    // --- How a long upload goes out ---

    /**
     * The pipeline's stream returns what the client's connection delivered, 8 KiB at a time; each write of the
     * part is one chunk of the chunked body, with its own header, write and segment.
     */
    @Test
    void streamed_content_goes_out_in_whole_blocks_whatever_the_stream_returns_per_read() throws IOException {
        byte[] bytes = randomBytes(3 * StreamingFilePart.BLOCK + 100);
        StreamingFilePart part = StreamingFilePart.of(new TrickleInputStream(bytes, 8 * 1024), null);
        Writes writes = new Writes();
        BufferedSink sink = Okio.buffer(writes);

        part.writeTo(sink);
        sink.flush();

        assertThat(part.replayable()).isFalse();
        assertThat(writes.sizes).containsExactly((long) StreamingFilePart.BLOCK, (long) StreamingFilePart.BLOCK,
                (long) StreamingFilePart.BLOCK, 100L);
        assertThat(writes.received.readByteArray()).isEqualTo(bytes);
        assertThat(part.sentBytes()).isEqualTo(bytes.length);
    }

    /** The writes a chunked body's sink receives: each is one chunk on the wire. */
    private static final class Writes implements Sink {
        final List<Long> sizes = new ArrayList<>();
        final Buffer received = new Buffer();

        @Override
        public void write(Buffer source, long byteCount) {
            sizes.add(byteCount);
            received.write(source, byteCount);
        }

        @Override
        public void flush() {}

        @Override
        public Timeout timeout() {
            return Timeout.NONE;
        }

        @Override
        public void close() {}
    }

    /** A fixture SE in edit mode over plain HTTP. */
    private StorageElementServer startEditElement() {
        fixtures = new SeFixtures(root, false);
        return fixtures.start(Mode.EDIT);
    }

    /** An element on the SE whose client writes each request it sends into {@code requests}. */
    private HttpStorageElement elementRecording(StorageElementServer server, Requests requests) {
        return new HttpStorageElement(fixtures.settings(server, Mode.EDIT, 0),
                HttpStorageElement.newSharedClient().newBuilder().addNetworkInterceptor(requests).build());
    }

    /** Method, path, the Expect header and whether the body's length was known, of each request sent. */
    private static final class Requests implements Interceptor {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            String expect = Optional.ofNullable(request.header("Expect")).orElse("none");
            String length = request.body() == null || request.body().contentLength() >= 0 ? "known" : "unknown";
            lines.add(request.method() + " " + request.url().encodedPath() + " expect=" + expect + " length=" + length);
            return chain.proceed(request);
        }
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
