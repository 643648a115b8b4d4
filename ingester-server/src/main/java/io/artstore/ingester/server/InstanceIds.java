package io.artstore.ingester.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * This instance's name in the saga log, kept in {@code <data>/instance-id} so that it survives restarts:
 * a restarted process then finishes its predecessor's sagas at once instead of waiting for their leases.
 */
final class InstanceIds {

    static final String FILE = "instance-id";

    private InstanceIds() {
    }

    static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(dataDir);
            String id = "ingester-" + UUID.randomUUID();
            Path temp = Files.createTempFile(dataDir, FILE, ".tmp");
            Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the instance id file " + file.toAbsolutePath(), e);
        }
    }
}
