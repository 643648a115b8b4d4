package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.pipeline.VerifyingInputStream;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.StorageElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored file's original bytes, read back from its element: decrypted when it was encrypted, decompressed when it
 * was compressed, and checked against the original size and SHA-256 the catalogue recorded. A failure of any of
 * these surfaces as an {@link IOException} from {@code read}, before the last byte.
 */
public final class OriginalContent {

    private final Map<CompressionAlgorithm, Codec> codecs;
    private final Optional<ContentEncryption> keyring;

    public OriginalContent(Map<CompressionAlgorithm, Codec> codecs, Optional<ContentEncryption> keyring) {
        this.codecs = Map.copyOf(codecs);
        this.keyring = Objects.requireNonNull(keyring, "keyring");
    }

    /**
     * @throws IngestException 404 when the element no longer holds the file, 503 when it is encrypted and this
     *     ingester has no keys, or compressed with a codec it lacks
     */
    public InputStream open(StorageElement element, FileAttributes attributes) {
        FileId fileId = attributes.fileId();
        StoredContent content = attributes.content();
        boolean encrypted = ContentEncryption.encrypted(attributes.metadata());
        if (encrypted && keyring.isEmpty()) {
            throw new IngestException(Kind.UNAVAILABLE, "encryption_unavailable", "file " + fileId + " is stored encrypted"
                    + " and this ingester has no master keys (encryption.keys_dir) to decrypt it");
        }
        Optional<Codec> codec = content.compression().map(this::codec);
        InputStream stored = element.open(fileId).orElseThrow(() ->
                IngestException.notFound("file_not_found", "storage element " + element.id() + " no longer holds file " + fileId));
        try {
            InputStream plain = encrypted ? keyring.get().decrypting(stored) : stored;
            InputStream original = codec.isPresent() ? codec.get().decompressing(plain) : plain;
            return new VerifyingInputStream(original, content.originalSize(), content.originalChecksum());
        } catch (IOException e) {
            closeQuietly(stored);
            throw new UncheckedIOException("opening file " + fileId + " failed", e);
        } catch (RuntimeException e) {
            closeQuietly(stored);
            throw e;
        }
    }

    private Codec codec(CompressionAlgorithm algorithm) {
        Codec codec = codecs.get(algorithm);
        if (codec == null) {
            throw new IngestException(Kind.UNAVAILABLE, "codec_unavailable", "the file is compressed with "
                    + algorithm.wireName() + ", which this ingester cannot decompress on this platform");
        }
        return codec;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Already failing: the first failure is the one reported.
        }
    }
}
