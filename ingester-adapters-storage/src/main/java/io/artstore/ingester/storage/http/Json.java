package io.artstore.ingester.storage.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;
import okhttp3.MediaType;

/** The one JSON mapper of the adapter, and helpers that keep Jackson's checked exceptions out of the way. */
final class Json {

    static final MediaType MEDIA_TYPE = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private Json() {}

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + abbreviate(text), e);
        }
    }

    static Map<String, Object> toMap(JsonNode node) {
        return node != null && node.isObject() ? MAPPER.convertValue(node, OBJECT) : Map.of();
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The SE's {@code {"detail": …}} message, or the start of the body when it is not one. */
    static String detail(String body) {
        try {
            JsonNode detail = MAPPER.readTree(body).path("detail");
            if (!detail.isMissingNode()) {
                return detail.isTextual() ? detail.asText() : detail.toString();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // Not JSON: fall through to the raw text.
        }
        return abbreviate(body);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
