package io.artstore.ingester.archfixture.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;

/** Breaks the rule that the formats do no I/O: it reads its JSON from a file itself. */
public final class FormatThatReadsAFile {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public JsonNode read(File file) throws IOException {
        return MAPPER.readTree(file);
    }
}
