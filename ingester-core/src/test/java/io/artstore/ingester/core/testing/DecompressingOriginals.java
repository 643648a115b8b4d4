package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.pipeline.VerifyingInputStream;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.tasks.OriginalReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Reads a file's original bytes back from an unencrypted element: decompressed, checked against size and checksum. */
public final class DecompressingOriginals implements OriginalReader {

    private final Map<CompressionAlgorithm, Codec> codecs;

    public DecompressingOriginals(Map<CompressionAlgorithm, Codec> codecs) {
        this.codecs = Map.copyOf(codecs);
    }

    @Override
    public InputStream open(StorageElement element, FileAttributes attributes) {
        StoredContent content = attributes.content();
        InputStream stored = element.open(attributes.fileId()).orElseThrow(() ->
                IngestException.notFound("file_not_found", "no file " + attributes.fileId()));
        try {
            InputStream plain = content.compression().isPresent()
                    ? codecs.get(content.compression().get()).decompressing(stored) : stored;
            return new VerifyingInputStream(plain, content.originalSize(), content.originalChecksum());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All the original bytes. */
    public byte[] readAll(StorageElement element, FileAttributes attributes) {
        try (InputStream in = open(element, attributes)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
