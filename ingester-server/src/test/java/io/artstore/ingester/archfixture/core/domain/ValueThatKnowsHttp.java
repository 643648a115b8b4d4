package io.artstore.ingester.archfixture.core.domain;

import io.javalin.http.Context;

/** Breaks the core's JDK-only rule and Javalin's confinement to the server. */
public final class ValueThatKnowsHttp {

    public String describe(Context context) {
        return context.path();
    }
}
