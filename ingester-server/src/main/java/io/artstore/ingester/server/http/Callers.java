package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.Caller;
import io.javalin.http.Context;

/** The authenticated caller of a request, set once by authentication and read by every route after it. */
public final class Callers {

    private static final String ATTRIBUTE = "artstore.caller";

    private Callers() {
    }

    public static void set(Context ctx, Caller caller) {
        ctx.attribute(ATTRIBUTE, caller);
    }

    /** The caller, or {@link Caller#anonymous()} when authentication is off or has not run. */
    public static Caller of(Context ctx) {
        Caller caller = ctx.attribute(ATTRIBUTE);
        return caller == null ? Caller.anonymous() : caller;
    }
}
