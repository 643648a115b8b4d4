package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.net.URI;
import java.util.Objects;

/**
 * One storage element as service discovery announces it: where its API is and how it may be used now. The
 * composition root turns it into a {@link StorageElement} with the connection settings configured for its id.
 *
 * @param name the operator's name for it, for display
 * @param available whether the announcer considers it usable now; an unavailable element is kept for reads
 *     that find nothing elsewhere, but takes no new files
 * @param status the announcer's word for its state ({@code online}, {@code degraded}, …), for display
 */
public record DiscoveredElement(StorageElementId id, String name, URI apiUrl, Mode mode, int priority, boolean available,
        String status) {

    public DiscoveredElement {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(status, "status");
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative, got " + priority);
        }
    }
}
