package io.artstore.ingester.archfixture.storage;

import io.artstore.ingester.archfixture.core.transfer.FixtureTransferRecord;
import java.util.ArrayList;
import java.util.List;

/** An adapter as it may be: it persists an engine's records. */
public final class FixtureLogAdapter {

    private final List<FixtureTransferRecord> records = new ArrayList<>();

    public void append(FixtureTransferRecord record) {
        records.add(record);
    }
}
