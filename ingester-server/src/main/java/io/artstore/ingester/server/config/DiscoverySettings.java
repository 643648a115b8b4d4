package io.artstore.ingester.server.config;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import io.artstore.ingester.storage.http.HttpStorageSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Service discovery through Redis ({@code discovery.*}): on when Redis is configured, unless switched off. A discovered
 * element is reached with the connection settings given for its id under {@code discovery.elements}, else with
 * {@code discovery.element_defaults} (TLS, pins, token or service account, timeouts, breaker…), its address, mode and
 * priority always coming from the announcement.
 *
 * @param pollInterval how often the snapshot is read besides when the channel announces a change
 * @param capacityPollInterval how often the leading instance polls each discovered element's capacity
 * @param defaults the connection settings of elements without their own; empty when none can be built (no token
 *     anywhere), and then such elements are left out with a logged reason
 */
public record DiscoverySettings(boolean enabled, Duration pollInterval, Duration capacityPollInterval,
        Optional<HttpStorageSettings> defaults, Map<StorageElementId, HttpStorageSettings> perElement) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_CAPACITY_POLL_INTERVAL = Duration.ofSeconds(10);
    public static final DiscoverySettings OFF = new DiscoverySettings(false, DEFAULT_POLL_INTERVAL,
            DEFAULT_CAPACITY_POLL_INTERVAL, Optional.empty(), Map.of());

    public DiscoverySettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(capacityPollInterval, "capacityPollInterval");
        Objects.requireNonNull(defaults, "defaults");
        perElement = Map.copyOf(perElement);
    }

    /**
     * The HTTP settings of a discovered element: its template's connection settings with the announced id, address,
     * mode and priority.
     *
     * @throws IllegalArgumentException when no template applies, or the announced address does not fit it (pins on
     *     an {@code http://} address)
     */
    public HttpStorageSettings settingsOf(DiscoveredElement element) {
        HttpStorageSettings template = Optional.ofNullable(perElement.get(element.id())).or(() -> defaults)
                .orElseThrow(() -> new IllegalArgumentException("no token is configured for it: set discovery.elements."
                        + element.id() + " or discovery.element_defaults, or the service account (SERVICE_ACCOUNT_*)"));
        return new HttpStorageSettings(element.id(), element.mode(), element.apiUrl(), element.priority(), template.pins(),
                template.tls(), template.timeouts(), template.token(), template.resilience(), template.capacityCacheTtl());
    }

    /** The placeholders under which a template is read with the element reader's checks. */
    static final Mode TEMPLATE_MODE = Mode.EDIT;
    static final String TEMPLATE_URL = "https://discovered.invalid";
}
