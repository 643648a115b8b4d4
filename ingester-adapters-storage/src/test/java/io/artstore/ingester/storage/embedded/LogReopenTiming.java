package io.artstore.ingester.storage.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times the start-up reading of a saga log folder and a transfer log folder, as the growth test of
 * {@link LogCompactionTest} leaves them: {@code LogReopenTiming <folder with sagas/ and transfers/> [rounds]}.
 * Prints each round; the first includes class loading and a cold JIT.
 */
public final class LogReopenTiming {

    private LogReopenTiming() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("saga log %,d bytes, transfer log %,d bytes%n",
                Files.size(root.resolve("sagas").resolve("saga-instance-a.log")),
                Files.size(root.resolve("transfers").resolve(FileTransactionLog.FILE_NAME)));
        for (int round = 1; round <= rounds; round++) {
            long started = System.nanoTime();
            try (FileSagaLog sagas = FileSagaLog.open(root.resolve("sagas"), "instance-a", LogOptions.DEFAULT);
                    FileTransactionLog transfers = FileTransactionLog.open(root.resolve("transfers"), LogOptions.DEFAULT)) {
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("round %d: opened in %,d ms, %,d sagas / %,d records and %,d transfers held%n", round,
                        millis, sagas.sagasHeld(), sagas.recordsHeld(), transfers.transactionsHeld());
            }
        }
    }
}
