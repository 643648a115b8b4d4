package io.artstore.ingester.archfixture.storage;

import io.artstore.ingester.archfixture.core.service.FixtureService;

/** Breaks the rule that adapters use the core only through ports, domain and pipeline. */
public final class StorageAdapterCallingAService {

    public void addThroughTheService(FixtureService service) {
        service.add("shortcut");
    }
}
