package io.artstore.ingester.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides whether the operator actions under {@code /api/v1/admin/} are served. With
 * authentication off they are refused with 403 {@code admin_api_disabled}, unless the operator said the network
 * is trusted ({@code admin.enabled_without_auth}); the routes themselves never check.
 */
public final class AdminApiGate {

    /** Every admin route starts with this. */
    static final String PREFIX = "/api/v1/admin";

    static final String DISABLED_MESSAGE = "the admin API is off while authentication is off; set"
            + " admin.enabled_without_auth (INGESTER_ADMIN_ENABLED_WITHOUT_AUTH) to on to serve it anyway, only on a"
            + " trusted network";

    private static final Logger LOG = LoggerFactory.getLogger(AdminApiGate.class);

    private final boolean open;

    private AdminApiGate(boolean open) {
        this.open = open;
    }

    /**
     * @param authEnabled whether clients authenticate
     * @param enabledWithoutAuth whether to serve the admin API although they do not
     */
    public static AdminApiGate of(boolean authEnabled, boolean enabledWithoutAuth) {
        if (!authEnabled && enabledWithoutAuth) {
            LOG.warn("ADMIN API ON WITHOUT AUTHENTICATION (admin.enabled_without_auth): anyone who can reach the port can"
                    + " list and retry sagas under {}/; keep the server on a trusted network", PREFIX);
        }
        return new AdminApiGate(authEnabled || enabledWithoutAuth);
    }

    /** Register before the routes, so that a refusal comes before any of them acts. */
    public void register(RoutesConfig routes) {
        // Matched on the raw path rather than a route pattern, so that no spelling of an admin path slips past.
        routes.before(this::check);
    }

    private void check(Context ctx) {
        if (open) {
            return;
        }
        String path = ctx.path();
        if (path.equals(PREFIX) || path.startsWith(PREFIX + "/")) {
            ErrorResponses.send(ctx, 403, "admin_api_disabled", DISABLED_MESSAGE);
            ctx.skipRemainingHandlers();
        }
    }
}
