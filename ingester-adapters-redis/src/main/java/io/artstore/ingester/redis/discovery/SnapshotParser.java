package io.artstore.ingester.redis.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.DiscoveredElement;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the admin module's snapshot ({@code artstore:storage_elements}). Entries the ingester cannot use (no
 * {@code element_id} or {@code api_url}, an unknown mode, an id used twice) are left out and logged, so that one bad
 * entry does not hide the others.
 */
final class SnapshotParser {

    static final int DEFAULT_PRIORITY = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotParser.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotParser() {}

    /** @throws IllegalArgumentException when the text is no snapshot at all */
    static List<DiscoveredElement> parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the snapshot is not JSON: " + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.get("storage_elements");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("the snapshot has no storage_elements list");
        }
        List<DiscoveredElement> elements = new ArrayList<>();
        Set<StorageElementId> seen = new HashSet<>();
        for (JsonNode entry : list) {
            String label = entry.path("name").asText(entry.path("id").asText("?"));
            try {
                DiscoveredElement element = element(entry);
                if (seen.add(element.id())) {
                    elements.add(element);
                } else {
                    LOG.warn("service discovery: storage element '{}' repeats element_id {}; the first entry is used", label,
                            element.id());
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("service discovery: storage element '{}' is left out: {}", label, e.getMessage());
            }
        }
        return elements;
    }

    private static DiscoveredElement element(JsonNode entry) {
        String elementId = text(entry, "element_id");
        String apiUrl = text(entry, "api_url");
        if (elementId.isEmpty() || apiUrl.isEmpty()) {
            throw new IllegalArgumentException("it has no element_id or no api_url");
        }
        StorageElementId id = StorageElementId.of(elementId);
        URI url = url(apiUrl);
        Mode mode = Mode.parse(text(entry, "mode"));
        JsonNode priorityNode = entry.path("priority");
        int priority = priorityNode.canConvertToInt() && priorityNode.asInt() >= 0 ? priorityNode.asInt() : DEFAULT_PRIORITY;
        boolean available = entry.path("is_available").asBoolean(false);
        String name = text(entry, "name");
        String status = text(entry, "status");
        return new DiscoveredElement(id, name.isEmpty() ? elementId : name, url, mode, priority, available,
                status.isEmpty() ? "unknown" : status.toLowerCase(Locale.ROOT));
    }

    private static URI url(String text) {
        try {
            URI uri = new URI(text);
            String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("api_url must be an http(s) URL with a host, got '" + text + "'");
    }

    private static String text(JsonNode entry, String field) {
        JsonNode node = entry.path(field);
        return node.isValueNode() && !node.isNull() ? node.asText().trim() : "";
    }
}
