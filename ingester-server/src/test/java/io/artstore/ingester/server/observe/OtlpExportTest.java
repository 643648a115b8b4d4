package io.artstore.ingester.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans exported over OTLP (http/protobuf), as the standard variables configure it, reach a collector: a stand-in that
 * takes {@code POST /v1/traces} and decodes the protobuf.
 */
class OtlpExportTest {

    private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private HttpServer collector;

    @BeforeEach
    void start_the_collector() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                received.add(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        collector.start();
    }

    @AfterEach
    void stop_the_collector() {
        collector.stop(0);
    }

    @Test
    void an_uploads_spans_reach_the_collector_named_by_the_otel_variables() {
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
        String traceId;
        try (TestServer server = TestServer.builder()
                .env("OTEL_TRACES_EXPORTER", "otlp")
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
                .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .env("OTEL_SERVICE_NAME", "ingester-under-test")
                .start()) {
            Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(10_000)));
            assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
            traceId = uploaded.headers().firstValue(TraceFilter.HEADER).orElseThrow();
        }
        // Stopping the server flushes what the batch exporter still held.
        List<Span> spans = received.stream().flatMap(request -> request.getResourceSpansList().stream())
                .flatMap(resource -> resource.getScopeSpansList().stream()).flatMap(scope -> scope.getSpansList().stream())
                .toList();
        assertThat(contentTypes).isNotEmpty().allSatisfy(type -> assertThat(type).isEqualTo("application/x-protobuf"));
        assertThat(spans.stream().map(Span::getName)).contains("POST /api/v1/files/upload", "upload",
                "saga.step stage-content", "upload.receive", "upload.digest", "upload.store", "saga.step record-in-catalogue",
                "saga.step publish-file-added");
        assertThat(spans).filteredOn(span -> span.getName().equals("upload")).singleElement()
                .satisfies(span -> assertThat(hex(span.getTraceId().toByteArray())).isEqualTo(traceId));
        ResourceSpans resource = received.get(0).getResourceSpans(0);
        assertThat(resource.getResource().getAttributesList()).anySatisfy(attribute -> {
            assertThat(attribute.getKey()).isEqualTo("service.name");
            assertThat(attribute.getValue().getStringValue()).isEqualTo("ingester-under-test");
        });
        assertThat(resource.getScopeSpansList().stream().map(ScopeSpans::getScope).map(scope -> scope.getName()))
                .contains(Telemetry.INSTRUMENTATION);
        assertThat(resource.getResource().getAttributesList().stream().map(KeyValue::getKey)).contains("service.name");
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }
}
