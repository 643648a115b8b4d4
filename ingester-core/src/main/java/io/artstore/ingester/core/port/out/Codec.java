package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** One compression format, applied on the fly to a stream. */
public interface Codec {

    CompressionAlgorithm algorithm();

    /** Wraps {@code sink}; closing the result finishes the compressed stream and closes {@code sink}. */
    OutputStream compressing(OutputStream sink) throws IOException;

    /** Wraps {@code source} to read the original bytes back. */
    InputStream decompressing(InputStream source) throws IOException;
}
