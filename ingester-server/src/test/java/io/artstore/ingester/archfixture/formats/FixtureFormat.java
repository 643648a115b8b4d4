package io.artstore.ingester.archfixture.formats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.archfixture.core.domain.FixtureValue;

/** Keeps the formats' rules: a core value as JSON, with Jackson and nothing else. */
public final class FixtureFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ObjectNode toJson(FixtureValue value) {
        return MAPPER.createObjectNode().put("name", value.name());
    }
}
