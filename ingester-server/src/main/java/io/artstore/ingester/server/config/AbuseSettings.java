package io.artstore.ingester.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Limits against floods and slow clients. A limit of 0 is off.
 *
 * @param ipRequestsPerMinute requests per minute of one client address, counted before authentication
 * @param subjectRequestsPerMinute requests per minute of one token subject when its token has no {@code rate_limit}
 * @param concurrentUploadsPerSubject uploads one subject may have in flight at once
 * @param authFailuresBeforeBlock authentication failures of one address within {@code window} that block it
 * @param refusalsBeforeBlock requests of one address or subject refused for their rate within {@code window} that block it
 * @param blockDuration how long a block lasts
 * @param trustedProxies addresses or CIDR ranges whose {@code X-Forwarded-For} is believed
 * @param requestHeaderTimeout the longest a new connection may take to send its first request's headers
 * @param idleTimeout the longest a connection may stay silent, also in the middle of a request
 * @param maxRequestHeaderBytes the largest request line and headers
 */
public record AbuseSettings(int ipRequestsPerMinute, int subjectRequestsPerMinute, int concurrentUploadsPerSubject,
        int authFailuresBeforeBlock, int refusalsBeforeBlock, Duration window, Duration blockDuration, List<String> trustedProxies,
        Duration requestHeaderTimeout, Duration idleTimeout, int maxRequestHeaderBytes) {

    public static final int DEFAULT_IP_REQUESTS_PER_MINUTE = 1200;
    /** The admin module's default {@code rate_limit} of an account. */
    public static final int DEFAULT_SUBJECT_REQUESTS_PER_MINUTE = 100;
    public static final int DEFAULT_CONCURRENT_UPLOADS = 16;
    public static final int DEFAULT_AUTH_FAILURES_BEFORE_BLOCK = 20;
    public static final int DEFAULT_REFUSALS_BEFORE_BLOCK = 200;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final Duration DEFAULT_BLOCK_DURATION = Duration.ofMinutes(15);
    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_REQUEST_HEADER_BYTES = 16 * 1024;

    public AbuseSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(blockDuration, "blockDuration");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    public static AbuseSettings defaults() {
        return new AbuseSettings(DEFAULT_IP_REQUESTS_PER_MINUTE, DEFAULT_SUBJECT_REQUESTS_PER_MINUTE, DEFAULT_CONCURRENT_UPLOADS,
                DEFAULT_AUTH_FAILURES_BEFORE_BLOCK, DEFAULT_REFUSALS_BEFORE_BLOCK, DEFAULT_WINDOW, DEFAULT_BLOCK_DURATION, List.of(),
                DEFAULT_REQUEST_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_REQUEST_HEADER_BYTES);
    }
}
