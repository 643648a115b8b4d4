package io.artstore.ingester.archfixture.core.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Breaks the rule that core.transfer does no I/O. */
public final class TransferThatWritesAFile {

    public void log(FixtureTransferRecord record) throws IOException {
        Files.writeString(Path.of("transfers.log"), record.toString());
    }
}
