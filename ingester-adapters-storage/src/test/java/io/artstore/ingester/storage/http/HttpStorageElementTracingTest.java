package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.port.out.TraceContext;
import io.artstore.ingester.core.testing.RecordingTracing;
import io.artstore.ingester.storage.http.HttpStorageElement.BreakerState;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each call to an SE is a span, its retries and a circuit's refusal events of it; the SE receives the trace context. */
class HttpStorageElementTracingTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @TempDir
    Path root;

    private SeFixtures fixtures;
    private final RecordingTracing tracing = new RecordingTracing(Optional.of(new TraceContext(TRACEPARENT, Optional.of("vendor=1"))));

    @BeforeEach
    void startFixtures() {
        fixtures = new SeFixtures(root, false);
    }

    @AfterEach
    void stopFixtures() {
        fixtures.close();
    }

    @Test
    void a_call_retried_through_a_burst_of_5xx_is_one_span_with_a_retry_event_per_repetition() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = new HttpStorageElement(fixtures.settings(server, Mode.EDIT, 0), SeFixtures.SHARED_CLIENT,
                tracing);
        FileId fileId = storeSome(element);
        server.faults().failNext(2, 503);

        assertThat(element.stat(fileId)).isPresent();

        assertThat(tracing.spans()).filteredOn(span -> span.name().equals("storage_element.find")).singleElement()
                .satisfies(span -> {
                    assertThat(span.events()).containsExactly("retry", "retry");
                    assertThat(span.attributes()).containsEntry("artstore.storage_element", element.id().value())
                            .containsEntry("artstore.stage", "se.find");
                    assertThat(span.failed()).isFalse();
                });
        assertThat(tracing.spans()).filteredOn(span -> span.name().equals("storage_element.upload")).singleElement()
                .satisfies(span -> assertThat(span.attributes()).as("the upload is timed as the store stage")
                        .doesNotContainKey("artstore.stage"));
        assertThat(server.tracedRequests()).as("every request carried the trace context").hasSize((int) server.apiRequests())
                .allSatisfy(line -> assertThat(line).endsWith(" " + TRACEPARENT));
    }

    @Test
    void a_call_an_open_circuit_refuses_is_a_failed_span_with_the_refusal_as_event() {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        HttpStorageElement element = new HttpStorageElement(fixtures.settings(server, Mode.EDIT, 0), SeFixtures.SHARED_CLIENT,
                tracing);
        FileId fileId = storeSome(element);
        server.faults().failNext(1_000, 503);
        for (int call = 0; call < 5 && element.breakerState() != BreakerState.OPEN; call++) {
            assertThatThrownBy(() -> element.stat(fileId)).isInstanceOf(IngestException.class);
        }
        assertThat(element.breakerState()).isEqualTo(BreakerState.OPEN);
        int before = tracing.spans().size();

        assertThatThrownBy(() -> element.stat(fileId)).isInstanceOf(IngestException.class);

        assertThat(tracing.spans().subList(before, tracing.spans().size())).singleElement().satisfies(span -> {
            assertThat(span.name()).isEqualTo("storage_element.find");
            assertThat(span.events()).containsExactly("circuit_open");
            assertThat(span.failed()).isTrue();
        });
    }

    private static FileId storeSome(HttpStorageElement element) {
        StoreRequest request = aStoreRequest().build();
        element.store(request, new ByteArrayInputStream(new byte[1_000]));
        return request.fileId();
    }
}
