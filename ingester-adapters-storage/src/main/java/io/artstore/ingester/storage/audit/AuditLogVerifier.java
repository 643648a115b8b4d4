package io.artstore.ingester.storage.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks an audit log written by {@link FileAuditTrail}: every line's hash, the chain of {@code prev} hashes and
 * sequence numbers across all files, every checkpoint's signature, and that the log still reaches the place its
 * signed head names. Stops at the first line that fails and names it.
 */
public final class AuditLogVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the verifier found. */
    public sealed interface Result {
        String describe();
    }

    public record Intact(int files, long lines, long checkpoints, long unsignedTail, String keyFingerprint) implements Result {
        @Override
        public String describe() {
            return "audit log intact: " + lines + " lines (" + checkpoints + " signed checkpoints) in " + files + " file(s)"
                    + (unsignedTail > 0 ? "; the last " + unsignedTail + " line(s) await their checkpoint" : "")
                    + "; signing key SHA-256 " + keyFingerprint;
        }
    }

    /** @param line the line's number in its file, from 1; 0 when the fault is not one line's */
    public record Broken(String file, long line, long record, String reason) implements Result {
        @Override
        public String describe() {
            return "audit log BROKEN at " + file + (line > 0 ? " line " + line : "") + (record > 0 ? " (record " + record + ")" : "")
                    + ": " + reason;
        }
    }

    private AuditLogVerifier() {
    }

    /**
     * @param publicKeyFile the key to check signatures with; by default the one published in the folder (keep a copy
     *     elsewhere: whoever can rewrite the log can rewrite that file too)
     */
    public static Result verify(Path folder, Optional<Path> publicKeyFile) throws IOException {
        Path keyFile = publicKeyFile.orElse(folder.resolve(FileAuditTrail.PUBLIC_KEY_FILE));
        if (!Files.isDirectory(folder)) {
            return new Broken(folder.toString(), 0, 0, "no audit log folder here");
        }
        PublicKey key;
        try {
            key = AuditKeys.readPublicKey(keyFile);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return new Broken(keyFile.toString(), 0, 0, "cannot read the Ed25519 public key: " + e.getMessage());
        }
        Optional<Head> head;
        try {
            head = head(folder.resolve(FileAuditTrail.HEAD_FILE), key);
        } catch (IllegalStateException e) {
            return new Broken(FileAuditTrail.HEAD_FILE, 1, 0, e.getMessage());
        }
        List<Path> files = FileAuditTrail.logFiles(folder);
        long expectedSeq = 1;
        String prev = AuditLines.GENESIS;
        long checkpoints = 0;
        long sinceCheckpoint = 0;
        Optional<String> hashAtHead = Optional.empty();
        String lastFile = files.isEmpty() ? folder.toString() : files.get(files.size() - 1).getFileName().toString();
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            String name = file.getFileName().toString();
            if (FileAuditTrail.number(file) != f + 1) {
                return new Broken(String.format("audit-%06d.log", f + 1), 0, expectedSeq, "this log file is missing");
            }
            byte[] bytes = Files.readAllBytes(file);
            int start = 0;
            long lineNumber = 0;
            while (start < bytes.length) {
                lineNumber++;
                int end = indexOf(bytes, (byte) '\n', start);
                if (end < 0) {
                    return new Broken(name, lineNumber, expectedSeq, "the line is incomplete: the file was cut short"
                            + " (or the writer crashed while writing it)");
                }
                byte[] line = Arrays.copyOfRange(bytes, start, end);
                start = end + 1;
                Optional<String> fault = check(line, expectedSeq, prev, key);
                if (fault.isPresent()) {
                    return new Broken(name, lineNumber, expectedSeq, fault.get());
                }
                String hash = AuditLines.hashOf(line);
                if (head.isPresent() && head.get().seq() == expectedSeq) {
                    hashAtHead = Optional.of(hash);
                }
                if (JSON.readTree(line).path("type").asText().equals("checkpoint")) {
                    checkpoints++;
                    sinceCheckpoint = 0;
                } else {
                    sinceCheckpoint++;
                }
                prev = hash;
                expectedSeq++;
            }
        }
        long lines = expectedSeq - 1;
        if (head.isEmpty() && checkpoints > 0) {
            return new Broken(FileAuditTrail.HEAD_FILE, 0, 0, "the signed head file is missing although the log has checkpoints");
        }
        if (head.isPresent()) {
            Head signed = head.get();
            if (signed.seq() > lines) {
                return new Broken(lastFile, 0, lines + 1, "the log ends at record " + lines + " but its signed head names record "
                        + signed.seq() + " in " + signed.file() + ": records were removed from its end");
            }
            if (!hashAtHead.orElse("").equals(signed.hash())) {
                return new Broken(signed.file(), 0, signed.seq(), "record " + signed.seq() + " is not the one the signed head names");
            }
        }
        return new Intact(files.size(), lines, checkpoints, sinceCheckpoint, AuditKeys.fingerprint(key));
    }

    private static Optional<String> check(byte[] line, long expectedSeq, String prev, PublicKey key) {
        Optional<byte[]> body = AuditLines.hashedBody(line);
        if (body.isEmpty()) {
            return Optional.of("not a sealed audit line (no hash at its end)");
        }
        if (!AuditLines.sha256(body.get()).equals(AuditLines.hashOf(line))) {
            return Optional.of("the line's hash does not match its content: the line was changed");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            return Optional.of("not JSON: " + e.getMessage());
        }
        long seq = node.path("seq").asLong(-1);
        if (seq != expectedSeq) {
            return Optional.of("record " + expectedSeq + " was expected here but this is record " + seq
                    + ": lines were removed, added or reordered");
        }
        if (!prev.equals(node.path("prev").asText())) {
            return Optional.of("its previous hash is not the hash of the line before it: a line before it was removed,"
                    + " added or reordered");
        }
        String type = node.path("type").asText();
        if (type.equals("checkpoint")) {
            Optional<AuditLines.Signed> signed = AuditLines.signedBody(body.get());
            if (signed.isEmpty() || !AuditKeys.verify(key, signed.get().body(), signed.get().signature())) {
                return Optional.of("the checkpoint's signature is not valid for the instance's key: a forged or changed checkpoint");
            }
            if (node.path("count").asLong(-1) != seq - 1 || !node.path("head").asText().equals(prev)) {
                return Optional.of("the checkpoint does not name the chain head before it");
            }
        } else if (!type.equals("record")) {
            return Optional.of("unknown line type '" + type + "'");
        }
        return Optional.empty();
    }

    private record Head(long seq, String hash, String file) {
    }

    private static Optional<Head> head(Path file, PublicKey key) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\n' ? bytes.length - 1 : bytes.length;
        byte[] line = Arrays.copyOf(bytes, end);
        Optional<byte[]> body = AuditLines.hashedBody(line);
        Optional<AuditLines.Signed> signed = body.flatMap(AuditLines::signedBody);
        if (signed.isEmpty() || !AuditLines.sha256(body.get()).equals(AuditLines.hashOf(line))
                || !AuditKeys.verify(key, signed.get().body(), signed.get().signature())) {
            throw new IllegalStateException("the signed head is not valid for the instance's key: forged or changed");
        }
        JsonNode node = JSON.readTree(line);
        return Optional.of(new Head(node.path("seq").asLong(), node.path("line_hash").asText(), node.path("file").asText()));
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
