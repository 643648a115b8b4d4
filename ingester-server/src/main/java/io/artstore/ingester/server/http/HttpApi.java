package io.artstore.ingester.server.http;

import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.config.AbuseSettings;
import io.artstore.ingester.server.config.ServerSettings;
import io.artstore.ingester.server.metrics.AnalyticsRoutes;
import io.artstore.ingester.server.metrics.InstanceMeters;
import io.artstore.ingester.server.metrics.Metrics;
import io.artstore.ingester.server.metrics.MetricsRoutes;
import io.artstore.ingester.server.events.OutboxAdmission;
import io.artstore.ingester.server.security.AccessControl;
import io.artstore.ingester.server.observe.Telemetry;
import io.artstore.ingester.server.observe.TraceFilter;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one Javalin instance: settings, routes, static files and error responses. */
public final class HttpApi {

    /** Where the status page's assets live on the classpath; the folder name is unique to the web module. */
    public static final String STATIC_FOLDER = "/io/artstore/ingester/web/static";

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Jetty's read buffer per connection while a request is read (direct memory, released once it is empty). */
    static final int INPUT_BUFFER_BYTES = 64 * 1024;

    private HttpApi() {}

    public static Javalin create(ServerSettings settings, UploadRoutes uploads, FileRoutes files, HealthRoutes health,
            StatusRoutes status, VectorClockHeader clocks, TransferRoutes transfers, SagaRoutes sagas,
            SignatureRoutes signatures, AccessControl access, Optional<TokenRoutes> tokens, BlockRoutes blocks, AbuseSettings limits,
            ContentRoutes content, Auditor auditor, Metrics metrics, OutboxAdmission outboxAdmission,
            TusRoutes resumable, Telemetry telemetry) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.appData(Auditor.KEY, auditor);
            config.appData(Metrics.KEY, metrics);
            config.jetty.modifyServer(server -> InstanceMeters.jetty(metrics, server));
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            // Errors Jetty raises before a route sees the request get the API's JSON body too.
            config.jetty.modifyServer(server -> server.setErrorHandler(new ServerErrorHandler()));
            // Outermost: an early error answer goes out before the unread rest of its request's body is discarded.
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(new UnreadBodyDrain()),
                    "/*", EnumSet.of(DispatcherType.REQUEST)));
            // A span per request, the client's trace context its parent: around everything, error mapping included.
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(new TraceFilter(telemetry)),
                    "/*", EnumSet.of(DispatcherType.REQUEST)));
            // Slow clients: a cap on header size, a deadline for the first request's headers, an idle timeout.
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
                http.setIdleTimeout(limits.idleTimeout().toMillis());
                // Large bodies arrive in reads of this size: Jetty's default of a few KiB costs a read call, and a hand-off
                // to the body's reader, per few KiB.
                http.setInputBufferSize(INPUT_BUFFER_BYTES);
            });
            config.jetty.modifyServer(server -> HeaderTimeout.install(server, limits.requestHeaderTimeout(), limits.idleTimeout()));
            // X-HTTP-Method-Override is read before routing and access control, so both see the method meant.
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                    new FilterHolder(TusRoutes.methodOverride()), TusRoutes.PATH + "/*", EnumSet.of(DispatcherType.REQUEST)));
            if (HttpApi.class.getResource(STATIC_FOLDER) != null) {
                config.staticFiles.add(assets -> {
                    assets.hostedPath = "/static";
                    assets.directory = STATIC_FOLDER;
                    assets.location = Location.CLASSPATH;
                });
            } else {
                LOG.warn("no status page assets on the classpath at {}; /static serves nothing", STATIC_FOLDER);
            }
            // Bootstrap for the status page comes from its webjar: no CDN, deployments may be offline.
            config.staticFiles.enableWebjars();
            // Every response names its request, so that a client can quote it and an audit record be found.
            config.routes.before(ctx -> RequestIds.of(ctx));
            resumable.registerCors(config.routes);
            access.register(config.routes);
            // After access control: a caller without the right hears 401/403, not 503.
            outboxAdmission.register(config.routes);
            clocks.register(config.routes);
            uploads.register(config.routes);
            files.register(config.routes);
            health.register(config.routes);
            status.register(config.routes);
            transfers.register(config.routes);
            sagas.register(config.routes);
            signatures.register(config.routes);
            content.register(config.routes);
            tokens.ifPresent(routes -> routes.register(config.routes));
            blocks.register(config.routes);
            new MetricsRoutes(metrics).register(config.routes);
            new AnalyticsRoutes(metrics.history()).register(config.routes);
            resumable.register(config.routes);
            TusRoutes.registerTusErrors(config.routes);
            ErrorResponses.register(config.routes, health.tlsFailures());
        });
    }
}
