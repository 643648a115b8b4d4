package io.artstore.ingester.storage.codec;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.port.out.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Brotli through brotli4j's native library. Compresses with brotli4j's stream; decompresses with
 * {@link BrotliDecodingInputStream}, because brotli4j's own input stream fails at the end of some valid
 * streams.
 */
public final class BrotliCodec implements Codec {

    /** Large blocks: each one is a call into the native encoder or decoder. */
    static final int BUFFER_BYTES = 256 * 1024;

    private final int quality;

    /** @param quality 0 (fastest) to 11 (smallest); 1 compresses about as well as gzip, several times faster */
    public BrotliCodec(int quality) {
        if (quality < 0 || quality > 11) {
            throw new IllegalArgumentException("Brotli quality must be 0..11, got " + quality);
        }
        this.quality = quality;
    }

    /** Whether the native library loaded on this platform; without it the codec cannot work. */
    public static boolean available() {
        return Brotli4jLoader.isAvailable();
    }

    public int quality() {
        return quality;
    }

    @Override
    public CompressionAlgorithm algorithm() {
        return CompressionAlgorithm.BROTLI;
    }

    @Override
    public OutputStream compressing(OutputStream sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        requireNatives();
        return new BrotliOutputStream(sink, new Encoder.Parameters().setQuality(quality), BUFFER_BYTES);
    }

    @Override
    public InputStream decompressing(InputStream source) throws IOException {
        Objects.requireNonNull(source, "source");
        requireNatives();
        return new BrotliDecodingInputStream(source, BUFFER_BYTES);
    }

    private static void requireNatives() throws IOException {
        if (!available()) {
            throw new IOException("the Brotli native library is not available on this platform",
                    Brotli4jLoader.getUnavailabilityCause());
        }
    }
}
