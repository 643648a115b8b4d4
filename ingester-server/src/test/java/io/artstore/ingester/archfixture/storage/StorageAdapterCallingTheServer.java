package io.artstore.ingester.archfixture.storage;

import io.artstore.ingester.archfixture.server.FixtureServer;

/** Breaks the rule that nothing depends on the server. */
public final class StorageAdapterCallingTheServer {

    public void reconfigure(FixtureServer server) {
        server.start();
    }
}
