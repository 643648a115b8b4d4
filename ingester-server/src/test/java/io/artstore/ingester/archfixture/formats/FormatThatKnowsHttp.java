package io.artstore.ingester.archfixture.formats;

import io.javalin.http.Context;

/** Breaks the rule that the formats reach only the core and Jackson. */
public final class FormatThatKnowsHttp {

    public String describe(Context context) {
        return context.path();
    }
}
