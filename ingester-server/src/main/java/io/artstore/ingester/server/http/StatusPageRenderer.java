package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;

/** A plain status page until the full one is in place: the service's state and a link to the status document. */
public final class StatusPageRenderer {

    private StatusPageRenderer() {}

    public static String render(JsonNode status) {
        String state = status.path("health").path("status").asText("unknown");
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ArtStore Ingester</title></head>"
                + "<body><h1>ArtStore Ingester</h1><p>Status: " + escape(state) + "</p>"
                + "<p><a href=\"/api/v1/status\">Status document</a></p></body></html>\n";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
