package io.artstore.ingester.server.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Picks sections out of the status page by element id. */
final class HtmlSections {

    private HtmlSections() {
    }

    /** The inner HTML of the element with the given id, up to its matching closing tag. */
    static String inner(String page, String id) {
        Matcher open = Pattern.compile("<(\\w+) id=\"" + id + "\"[^>]*>").matcher(page);
        if (!open.find()) {
            throw new AssertionError("no element #" + id + " in " + page);
        }
        String tag = open.group(1);
        int start = open.end();
        int depth = 1;
        Matcher tags = Pattern.compile("<(/?)" + tag + "\\b[^>]*>").matcher(page);
        tags.region(start, page.length());
        while (tags.find()) {
            depth += tags.group(1).isEmpty() ? 1 : -1;
            if (depth == 0) {
                return page.substring(start, tags.start());
            }
        }
        throw new AssertionError("element #" + id + " is not closed");
    }
}
