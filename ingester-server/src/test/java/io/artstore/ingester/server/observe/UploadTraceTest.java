package io.artstore.ingester.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace of an upload through a remote storage element, exported to memory: the client's trace context is the
 * parent of the server's span, the pipeline's stages, the saga's steps and the SE calls hang below it, and the SE
 * received the trace context with its requests.
 */
class UploadTraceTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";

    @TempDir
    Path root;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

    private Telemetry inMemory() {
        return Telemetry.of(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build());
    }

    @Test
    void an_upload_through_a_remote_element_is_one_trace_under_the_clients_span() {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 10, Transport.PLAIN);
            remote.start("remote-rw", Mode.RW, 10, Transport.PLAIN);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).telemetry(inMemory()).start()) {
                Multipart form = Multipart.form().field("target_mode", "edit").field("sign", "true").field("compress", "true")
                        .field("compression_algorithm", "gzip")
                        .file("file", "notes.txt", "text/plain", "words and more words ".repeat(5_000).getBytes());

                Reply uploaded = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload"))
                        .header("Content-Type", form.contentType()).header("traceparent", TRACEPARENT)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));

                assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
                assertThat(uploaded.headers().firstValue(TraceFilter.HEADER)).as("the trace named in the response")
                        .contains(TRACE_ID);
                TestServer.await("the server span ended", () -> find("POST /api/v1/files/upload").isPresent());
                List<SpanData> spans = exporter.getFinishedSpanItems();
                assertThat(spans).as("all in the client's trace").allSatisfy(span ->
                        assertThat(span.getTraceId()).isEqualTo(TRACE_ID));

                SpanData request = find("POST /api/v1/files/upload").orElseThrow();
                assertThat(request.getParentSpanId()).as("the client's span is the parent").isEqualTo(CLIENT_SPAN_ID);
                assertThat(request.getParentSpanContext().isRemote()).isTrue();
                SpanData upload = childOf(request, "upload");
                SpanData stage = childOf(upload, "saga.step stage-content");
                childOf(upload, "saga.step reserve-space");
                SpanData catalogue = childOf(upload, "saga.step record-in-catalogue");
                assertThat(catalogue.getAttributes().get(AttributeKey.stringKey("artstore.stage"))).isEqualTo("catalogue");
                SpanData publish = childOf(upload, "saga.step publish-file-added");
                assertThat(publish.getAttributes().get(AttributeKey.stringKey("artstore.stage"))).isEqualTo("publish");
                for (String name : List.of("upload.receive", "upload.digest", "upload.compress", "upload.sign")) {
                    childOf(stage, name);
                }
                SpanData store = childOf(stage, "upload.store");
                assertThat(store.getAttributes().get(AttributeKey.stringKey("artstore.storage_element"))).isEqualTo("remote-edit");
                SpanData seUpload = childOf(stage, "storage_element.upload");
                assertThat(seUpload.getAttributes().get(AttributeKey.stringKey("artstore.storage_element"))).isEqualTo("remote-edit");

                List<String> traced = edit.server().tracedRequests();
                assertThat(traced).as("every API request to the SE carried the trace").isNotEmpty()
                        .allSatisfy(line -> assertThat(line).contains("-" + TRACE_ID + "-"));
                assertThat(traced).as("the upload's request names the SE call's span as its parent")
                        .anySatisfy(line -> assertThat(line).startsWith("POST /api/v1/files")
                                .endsWith("00-" + TRACE_ID + "-" + seUpload.getSpanId() + "-01"));
            }
        }
    }

    @Test
    void a_transfer_traces_its_two_phases_and_a_failed_upload_its_compensations() {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 10, Transport.PLAIN);
            remote.start("remote-rw", Mode.RW, 10, Transport.PLAIN);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).telemetry(inMemory()).start()) {
                TransferSteps steps = new TransferSteps(server);
                String fileId = steps.uploadToEdit("survey.bin", Content.random(20_000)).path("file_id").asText();

                String transactionId = steps.started(fileId);
                assertThat(steps.awaitEnd(transactionId).path("status").asText()).isEqualTo("committed");

                TestServer.await("the transfer's span and its request's ended", () -> find("transfer").isPresent()
                        && find("POST /api/v1/files/{id}/transfer").isPresent());
                SpanData transfer = find("transfer").orElseThrow();
                SpanData asked = find("POST /api/v1/files/{id}/transfer").orElseThrow();
                assertThat(transfer.getParentSpanId()).as("the transfer belongs to the request that asked for it, though"
                        + " it runs on a thread of its own").isEqualTo(asked.getSpanId());
                List<String> phases = exporter.getFinishedSpanItems().stream()
                        .filter(span -> span.getParentSpanId().equals(transfer.getSpanId()))
                        .map(span -> span.getAttributes().get(AttributeKey.stringKey("artstore.2pc.phase"))).distinct().toList();
                assertThat(phases).contains("prepare", "decide", "commit", "end");
                childOf(transfer, "2pc.stage-on-target");

                // The SE fails to write the file: the add is undone, step by step.
                edit.server().faults().failWrites(true);
                Reply failed = server.upload(Multipart.form().field("target_mode", "edit").file("doomed.bin", Content.random(5_000)));
                assertThat(failed.status()).as(failed.toString()).isGreaterThanOrEqualTo(400);
                TestServer.await("the failed request's span ended", () -> exporter.getFinishedSpanItems().stream()
                        .anyMatch(span -> span.getName().startsWith("saga.compensate ")));
                assertThat(failed.json().path("trace_id").asText()).as("the error body names the trace")
                        .isEqualTo(failed.headers().firstValue(TraceFilter.HEADER).orElseThrow()).hasSize(32);
            }
        }
    }

    private Optional<SpanData> find(String name) {
        return exporter.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).findFirst();
    }

    private SpanData childOf(SpanData parent, String name) {
        List<SpanData> children = exporter.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals(name) && span.getParentSpanId().equals(parent.getSpanId())).toList();
        assertThat(children).as("%s under %s among %s", name, parent.getName(),
                exporter.getFinishedSpanItems().stream().map(s -> s.getName() + "<" + s.getParentSpanId() + ">" + s.getSpanId())
                        .toList()).isNotEmpty();
        return children.get(0);
    }
}
