package io.artstore.ingester.server;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.pipeline.GzipCodec;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.crypto.MasterKeys;
import io.artstore.ingester.storage.audit.AuditLogVerifier;
import io.artstore.ingester.storage.codec.BrotliCodec;
import io.artstore.ingester.storage.crypto.DecryptingInputStream;
import io.artstore.ingester.storage.crypto.Envelope;
import io.artstore.ingester.storage.crypto.Keyring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools the jar runs besides the server:
 * <ul>
 *   <li>{@code audit verify [DIR] [--public-key FILE] [--config FILE]}: checks the audit log (by default the data
 *       folder's); exit 0 when intact, 1 naming the first bad line, 2 on wrong arguments;</li>
 *   <li>{@code decrypt --key FILE [--decompress gzip|brotli] IN OUT}: turns a stored encrypted file back into what was
 *       encrypted (decompressed too when asked); exit 0, or 1 when the file is changed, cut short or under another key
 *       (then OUT is not written).</li>
 * </ul>
 */
final class Commands {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Commands() {
    }

    static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("audit") || args[0].equals("decrypt"));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        try {
            return args[0].equals("audit") ? audit(rest, env, out, err) : decrypt(rest, out, err);
        } catch (UsageException e) {
            err.println(e.getMessage());
            return USAGE;
        }
    }

    private static int audit(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("verify")) {
            throw new UsageException("usage: audit verify [DIR] [--public-key FILE] [--config FILE]");
        }
        args.remove(0);
        Optional<Path> publicKey = option(args, "--public-key").map(Path::of);
        Optional<String> config = option(args, "--config");
        if (args.size() > 1) {
            throw new UsageException("usage: audit verify [DIR] [--public-key FILE] [--config FILE]; unexpected " + args);
        }
        Path folder = args.isEmpty()
                ? ConfigLoader.load(config.map(file -> List.of("--config", file)).orElse(List.of()), env).storage().dataDir().resolve("audit")
                : Path.of(args.get(0));
        try {
            AuditLogVerifier.Result result = AuditLogVerifier.verify(folder, publicKey);
            if (result instanceof AuditLogVerifier.Intact) {
                out.println(result.describe());
                return OK;
            }
            err.println(result.describe());
            return FAILED;
        } catch (IOException e) {
            err.println("cannot read the audit log in " + folder + ": " + e.getMessage());
            return FAILED;
        }
    }

    private static int decrypt(List<String> args, PrintStream out, PrintStream err) {
        String usage = "usage: decrypt --key FILE [--decompress gzip|brotli] IN OUT";
        Path keyFile = option(args, "--key").map(Path::of).orElseThrow(() -> new UsageException(usage));
        Optional<CompressionAlgorithm> compression = option(args, "--decompress").map(CompressionAlgorithm::parse);
        if (args.size() != 2) {
            throw new UsageException(usage);
        }
        Path in = Path.of(args.get(0));
        Path target = Path.of(args.get(1)).toAbsolutePath();
        byte[] master = MasterKeys.read(keyFile);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            long bytes;
            try (InputStream stored = Files.newInputStream(in);
                    InputStream plain = new DecryptingInputStream(stored, envelope ->
                            Keyring.unwrapWith(master, envelope.keyId(), envelope.wrappedKey()));
                    InputStream original = compression.isPresent() ? codec(compression.get()).decompressing(plain) : plain;
                    OutputStream sink = Files.newOutputStream(partial)) {
                bytes = original.transferTo(sink);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.println("decrypted " + in + " (" + Envelope.ALGORITHM + ") into " + target + ": " + bytes + " bytes");
            return OK;
        } catch (IOException | RuntimeException e) {
            err.println("cannot decrypt " + in + ": " + e.getMessage());
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                err.println("could not remove " + partial);
            }
            return FAILED;
        }
    }

    private static Codec codec(CompressionAlgorithm algorithm) {
        return switch (algorithm) {
            case GZIP -> new GzipCodec(6);
            case BROTLI -> new BrotliCodec(5);
        };
    }

    /** Removes {@code name VALUE} (or {@code name=VALUE}) from {@code args}. */
    private static Optional<String> option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(name)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                String value = args.remove(i + 1);
                args.remove(i);
                return Optional.of(value);
            }
            if (args.get(i).startsWith(name + "=")) {
                return Optional.of(args.remove(i).substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
