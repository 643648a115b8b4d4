package io.artstore.ingester.archfixture.server;

import io.artstore.ingester.archfixture.core.service.FixtureService;
import io.artstore.ingester.archfixture.storage.FixtureStorageAdapter;
import io.javalin.http.Context;

/** A composition root as it should be: wires an adapter into a service and speaks HTTP. */
public final class FixtureServer {

    private final FixtureService service = new FixtureService(new FixtureStorageAdapter());

    public void start() {
        service.add("started");
    }

    public void handle(Context context) {
        service.add(context.path());
    }
}
