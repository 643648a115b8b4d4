package io.artstore.ingester.core.pipeline;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.port.out.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip from the JDK. Level 1 by default: on one core it runs about twice as fast as level 6. */
public final class GzipCodec implements Codec {

    private static final int BUFFER = 64 * 1024;
    private final int level;

    public GzipCodec(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 1..9, got " + level);
        }
        this.level = level;
    }

    @Override
    public CompressionAlgorithm algorithm() {
        return CompressionAlgorithm.GZIP;
    }

    @Override
    public OutputStream compressing(OutputStream sink) throws IOException {
        return new GZIPOutputStream(sink, BUFFER) {
            {
                def.setLevel(level);
            }
        };
    }

    @Override
    public InputStream decompressing(InputStream source) throws IOException {
        return new GZIPInputStream(source, BUFFER);
    }
}
