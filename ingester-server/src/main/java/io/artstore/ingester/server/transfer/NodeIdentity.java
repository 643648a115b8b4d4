package io.artstore.ingester.server.transfer;

import io.artstore.ingester.core.clock.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * This instance's node id in vector clocks: the configured one, or one generated at the first start and kept in a
 * file so that every restart counts on the same entry.
 */
public final class NodeIdentity {

    private NodeIdentity() {}

    /**
     * @param configured the id from the configuration, if any; it wins over the file
     * @param file where a generated id is kept
     * @throws UncheckedIOException when the file cannot be read or written
     * @throws IllegalArgumentException when the file does not hold a valid node id
     */
    public static NodeId resolve(Optional<NodeId> configured, Path file) {
        if (configured.isPresent()) {
            return configured.get();
        }
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
                try {
                    return NodeId.of(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the node id file " + file.toAbsolutePath() + " is damaged ("
                            + e.getMessage() + "); restore it, or remove it to have a new id generated", e);
                }
            }
            byte[] random = new byte[6];
            new SecureRandom().nextBytes(random);
            NodeId generated = NodeId.of("ingester-" + HexFormat.of().formatHex(random));
            write(file, generated.value() + "\n");
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the node id file " + file.toAbsolutePath(), e);
        }
    }

    /** Temp file, fsync, rename: a crash leaves no id or the whole one. */
    private static void write(Path file, String text) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, ".node-id-", ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
