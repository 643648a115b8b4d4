package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.TokenUses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Token use counts in a folder, one small file per token ({@code <sha-256 of the token id>}: {@code count
 * expiry-epoch-seconds}), replaced atomically and synced before a use is granted, so that a crash never grants a
 * use twice. Files of expired tokens are deleted at start and every so often.
 */
public final class FileTokenUses implements TokenUses {

    private static final int PRUNE_EVERY = 1000;

    private final Path folder;
    private final Clock clock;
    private int sincePrune;

    private FileTokenUses(Path folder, Clock clock) {
        this.folder = folder;
        this.clock = clock;
    }

    public static FileTokenUses open(Path folder, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder " + folder.toAbsolutePath(), e);
        }
        FileTokenUses uses = new FileTokenUses(folder, clock);
        uses.prune();
        return uses;
    }

    @Override
    public synchronized boolean tryUse(String tokenId, int maxUses, Instant expiresAt) {
        Path file = folder.resolve(name(tokenId));
        try {
            int count = 0;
            try {
                String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
                count = Integer.parseInt(fields[0]);
            } catch (NoSuchFileException e) {
                // first use
            }
            if (count >= maxUses) {
                return false;
            }
            write(file, (count + 1) + " " + expiresAt.getEpochSecond() + "\n");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot count a use of a token in " + folder.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (++sincePrune >= PRUNE_EVERY) {
            sincePrune = 0;
            prune();
        }
        return true;
    }

    private void write(Path file, String content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.US_ASCII.encode(content));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private void prune() {
        long now = clock.instant().getEpochSecond();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
                if (file.getFileName().toString().endsWith(".tmp") || fields.length < 2 || Long.parseLong(fields[1]) < now) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only space is at stake: the counts of live tokens are untouched.
            System.getLogger(FileTokenUses.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot delete the use counts of expired tokens in " + folder + ": " + e.getMessage());
        }
    }

    private static String name(String tokenId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tokenId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
