package io.artstore.ingester.storage.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.storage.http.BearerTokens;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The admin module's file registry over HTTP: one call, one {@link Answer}; the relay decides what follows. */
final class AdminRegistryClient {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a call ended. */
    sealed interface Answer {}

    /** 2xx, with the body. */
    record Done(int status, JsonNode body) implements Answer {}

    /** 429: try again after {@code retryAfter} when the registry said. */
    record Throttled(Optional<Duration> retryAfter) implements Answer {}

    /** Not reached, 5xx, or refused for a reason that may pass (401, 403): try again later. */
    record Unavailable(String reason) implements Answer {}

    /** Refused for what the call says (400, 404, 422 …): the same call will never succeed. */
    record Refused(int status, String detail) implements Answer {}

    private final OkHttpClient client;
    private final HttpUrl files;
    private final BearerTokens tokens;

    AdminRegistryClient(OkHttpClient client, HttpUrl adminModule, BearerTokens tokens) {
        this.client = client;
        this.files = adminModule.newBuilder().addPathSegments("api/v1/files").build();
        this.tokens = tokens;
    }

    Answer register(JsonNode body) {
        return call(new Request.Builder().url(files).post(json(body)));
    }

    Answer update(String fileId, JsonNode body) {
        return call(new Request.Builder().url(file(fileId).build()).put(json(body)));
    }

    Answer softDelete(String fileId, String reason) {
        return call(new Request.Builder().url(file(fileId).addQueryParameter("deletion_reason", reason).build()).delete());
    }

    Answer get(String fileId) {
        return call(new Request.Builder().url(file(fileId).build()).get());
    }

    private HttpUrl.Builder file(String fileId) {
        return files.newBuilder().addPathSegment(fileId);
    }

    private Answer call(Request.Builder builder) {
        String token;
        try {
            token = tokens.current();
        } catch (RuntimeException e) {
            return new Unavailable(e.getMessage());
        }
        Request request = builder.header("Authorization", "Bearer " + token).build();
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            int status = response.code();
            if (response.isSuccessful()) {
                return new Done(status, read(text));
            }
            String what = request.method() + " " + request.url().encodedPath() + " answered " + status + ": " + detail(text);
            if (status == 429) {
                return new Throttled(retryAfter(response.header("Retry-After")));
            }
            if (status == 401) {
                tokens.invalidate(token);
                return new Unavailable(what);
            }
            if (status == 403 || status == 408 || status >= 500) {
                return new Unavailable(what);
            }
            return new Refused(status, detail(text));
        } catch (IOException e) {
            return new Unavailable("cannot reach the admin module at " + files + ": " + e.getMessage());
        }
    }

    /** Delta-seconds only; the HTTP-date form is not used by the admin module. */
    static Optional<Duration> retryAfter(String header) {
        if (header == null) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static RequestBody json(JsonNode body) {
        try {
            return RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write a registry call as JSON", e);
        }
    }

    private static JsonNode read(String text) {
        try {
            return text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    /** FastAPI's {@code detail}: a message, or a list of field errors. */
    private static String detail(String text) {
        JsonNode detail = read(text).path("detail");
        if (detail.isMissingNode()) {
            return text.length() <= 200 ? text : text.substring(0, 200) + "…";
        }
        return detail.isTextual() ? detail.asText() : detail.toString();
    }
}
