package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.in.GetFileUseCase;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SignatureVerifier;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.VerificationResult;
import io.artstore.ingester.server.audit.Auditor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/v1/files/{id}/signature/verify}: re-reads the stored file, decompressed when it was
 * compressed and decrypted when it was encrypted, and checks the signature kept beside it against the original bytes.
 * A signature that does not verify raises a security alert.
 */
public final class SignatureRoutes {

    private final GetFileUseCase getFile;
    private final StorageElements elements;
    private final Map<CompressionAlgorithm, Codec> codecs;
    private final SignatureVerifier verifier;
    private final Optional<ContentEncryption> keyring;

    public SignatureRoutes(GetFileUseCase getFile, StorageElements elements, Map<CompressionAlgorithm, Codec> codecs,
            SignatureVerifier verifier) {
        this(getFile, elements, codecs, verifier, Optional.empty());
    }

    /** @param keyring the master keys that decrypt files stored encrypted */
    public SignatureRoutes(GetFileUseCase getFile, StorageElements elements, Map<CompressionAlgorithm, Codec> codecs,
            SignatureVerifier verifier, Optional<ContentEncryption> keyring) {
        this.keyring = Objects.requireNonNull(keyring, "keyring");
        this.getFile = Objects.requireNonNull(getFile, "getFile");
        this.elements = Objects.requireNonNull(elements, "elements");
        this.codecs = Map.copyOf(codecs);
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/files/{id}/signature/verify", this::verify);
    }

    private void verify(Context ctx) {
        FileId fileId;
        try {
            fileId = FileId.parse(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_file_id", e.getMessage());
        }
        FileLocation location = getFile.find(fileId).orElseThrow(() ->
                IngestException.notFound("file_not_found", "no file has the id " + fileId));
        StorageElement element = elements.find(location.entry().elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                "storage_unavailable", "storage element " + location.entry().elementId() + " that holds file " + fileId
                        + " is not known now"));
        byte[] signature = element.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX).orElseThrow(() ->
                IngestException.notFound("no_signature", "file " + fileId + " was stored without a signature; upload it with sign=true to have one"));
        Optional<CompressionAlgorithm> compression = location.entry().attributes().content().compression();
        VerificationResult result;
        try (InputStream stored = element.open(fileId).orElseThrow(() ->
                IngestException.notFound("file_not_found", "storage element " + element.id() + " no longer holds file " + fileId));
                InputStream plain = decrypted(stored, location);
                InputStream original = compression.isPresent() ? codec(compression.get()).decompressing(plain) : plain) {
            result = verifier.verify(signature, original);
        } catch (IOException e) {
            throw new UncheckedIOException("reading file " + fileId + " to verify its signature failed", e);
        }
        if (!result.valid()) {
            Auditor.of(ctx).alerts().raise(new SecurityAlert(Instant.now(), SecurityAlert.Kind.SIGNATURE_INVALID, Callers.of(ctx),
                    Optional.ofNullable(ctx.ip()), Optional.of(fileId), "the signature of file " + fileId + " does not verify: "
                    + result.reason().orElse("no reason given")));
        }
        ObjectNode json = Json.object();
        json.put("file_id", fileId.toString());
        json.put("valid", result.valid());
        json.put("algorithm", result.algorithm().map(algorithm -> algorithm.wireName()).orElse(null));
        json.put("signer", result.signerSubject().orElse(null));
        json.put("certificate_fingerprint", result.certificateFingerprint().orElse(null));
        json.put("reason", result.reason().orElse(null));
        Json.send(ctx, 200, json);
    }

    private InputStream decrypted(InputStream stored, FileLocation location) {
        if (!ContentEncryption.encrypted(location.entry().attributes().metadata())) {
            return stored;
        }
        ContentEncryption keys = keyring.orElseThrow(() -> new IngestException(Kind.UNAVAILABLE, "encryption_unavailable", "file "
                + location.entry().fileId() + " is stored encrypted and this ingester has no master keys to decrypt it"));
        return keys.decrypting(stored);
    }

    private Codec codec(CompressionAlgorithm algorithm) {
        Codec codec = codecs.get(algorithm);
        if (codec == null) {
            throw new IngestException(Kind.UNAVAILABLE, "codec_unavailable", "the file is compressed with "
                    + algorithm.wireName() + ", which this ingester cannot decompress on this platform");
        }
        return codec;
    }
}
