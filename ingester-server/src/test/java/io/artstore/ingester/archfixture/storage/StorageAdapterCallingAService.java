package io.artstore.ingester.archfixture.storage;

import io.artstore.ingester.archfixture.core.service.FixtureService;

/** Breaks the rule that adapters use only the core's ports, values, pipeline and pure engines, never a service. */
public final class StorageAdapterCallingAService {

    public void addThroughTheService(FixtureService service) {
        service.add("shortcut");
    }
}
