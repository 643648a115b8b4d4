package io.artstore.ingester.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tus-js-client in Node, through {@code scripts/tus-node.sh} (which installs the pinned npm packages on first use):
 * uploads one file and answers the uploader's JSON line ({@code state, upload_url, file_id, offset, seconds,
 * retries, ...}).
 */
public final class TusNode {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> arguments = new ArrayList<>();

    private TusNode(URI endpoint, Path file) {
        arguments.add("--endpoint");
        arguments.add(endpoint.toString());
        arguments.add("--file");
        arguments.add(file.toString());
    }

    public static TusNode upload(URI endpoint, Path file) {
        return new TusNode(endpoint, file);
    }

    private TusNode with(String name, String value) {
        arguments.add(name);
        arguments.add(value);
        return this;
    }

    /** Bytes per PATCH; without it, one PATCH carries the rest of the file. */
    public TusNode chunkSize(long bytes) {
        return with("--chunk-size", Long.toString(bytes));
    }

    public TusNode retryDelays(String millisCommaSeparated) {
        return with("--retry-delays", millisCommaSeparated);
    }

    public TusNode metadata(String key, String value) {
        return with("--metadata", key + "=" + value);
    }

    /** Remembers the upload URL in this file, and resumes an upload of the same file remembered there. */
    public TusNode urlStorage(Path file) {
        return with("--url-storage", file.toString());
    }

    /** Aborts once this many bytes are acknowledged, leaving the upload to resume. */
    public TusNode stopAfter(long bytes) {
        return with("--stop-after", Long.toString(bytes));
    }

    /** Runs the uploader; fails when it does not answer within the timeout or prints no JSON. */
    public JsonNode run(Duration timeout) {
        List<String> command = new ArrayList<>(List.of(ClusterScript.project().resolve("scripts/tus-node.sh").toString(),
                "upload"));
        command.addAll(arguments);
        try {
            Path output = Files.createTempFile("tus-node-", ".json");
            Path errors = Files.createTempFile("tus-node-", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                        .redirectError(errors.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new AssertionError("tus-js-client did not finish within " + timeout);
                }
                String text = Files.readString(output, StandardCharsets.UTF_8).trim();
                String stderr = Files.readString(errors, StandardCharsets.UTF_8);
                if (text.isEmpty()) {
                    throw new AssertionError("tus-js-client printed nothing (exit " + process.exitValue() + "): " + stderr);
                }
                return JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
