package io.artstore.ingester.storage.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Service-account tokens from the admin module ({@code POST /api/v1/auth/token}), cached and fetched again
 * shortly before they expire, or at once after an element refused one.
 */
public final class ServiceAccountTokens implements BearerTokens {

    /** Fetch a new token this long before the old one expires, at most a tenth of its lifetime. */
    private static final Duration MAX_MARGIN = Duration.ofSeconds(60);

    private final OkHttpClient client;
    private final ServiceAccount account;
    private final HttpUrl tokenUrl;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;

    public ServiceAccountTokens(OkHttpClient client, ServiceAccount account, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.account = Objects.requireNonNull(account, "account");
        this.clock = Objects.requireNonNull(clock, "clock");
        HttpUrl base = HttpUrl.get(account.adminModuleUrl().toString());
        this.tokenUrl = base.newBuilder().addPathSegments("api/v1/auth/token").build();
    }

    @Override
    public synchronized String current() {
        if (token == null || !clock.instant().isBefore(refreshAt)) {
            fetch();
        }
        return token;
    }

    @Override
    public synchronized void invalidate(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }

    private void fetch() {
        Instant requestedAt = clock.instant();
        byte[] body = Json.write(Map.of("client_id", account.clientId(), "client_secret", account.clientSecret()));
        Request request = new Request.Builder().url(tokenUrl).post(RequestBody.create(body, Json.MEDIA_TYPE)).build();
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                throw new IngestException(Kind.UNAVAILABLE, "token_refused", "the admin module at " + tokenUrl
                        + " refused a token for service account " + account.clientId() + " with HTTP " + response.code()
                        + ": " + Json.detail(text) + "; check client_id and client_secret");
            }
            JsonNode json = Json.read(text);
            String accessToken = json.path("access_token").asText("");
            long expiresIn = json.path("expires_in").asLong(0);
            if (accessToken.isEmpty() || expiresIn <= 0) {
                throw new IngestException(Kind.UNAVAILABLE, "token_invalid", "the admin module at " + tokenUrl
                        + " answered without access_token and expires_in");
            }
            Duration lifetime = Duration.ofSeconds(expiresIn);
            Duration margin = lifetime.dividedBy(10).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(10) : MAX_MARGIN;
            token = accessToken;
            refreshAt = requestedAt.plus(lifetime).minus(margin);
        } catch (IOException e) {
            throw new IngestException(Kind.UNAVAILABLE, "token_unavailable",
                    "cannot reach the admin module at " + tokenUrl + " for a service-account token: " + e.getMessage(), e);
        }
    }
}
