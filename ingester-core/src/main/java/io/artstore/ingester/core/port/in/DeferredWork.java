package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import java.util.Objects;
import java.util.Optional;

/**
 * What an upload asked to be done after it was stored, as background tasks ({@code compress=async},
 * {@code sign=async}): the file is stored as it arrived, and the tasks compress or sign it later.
 *
 * @param compression the algorithm to compress the stored file with, when asked
 * @param sign whether to sign the stored file
 */
public record DeferredWork(Optional<CompressionAlgorithm> compression, boolean sign) {

    public static final DeferredWork NONE = new DeferredWork(Optional.empty(), false);

    public DeferredWork {
        Objects.requireNonNull(compression, "compression");
    }

    public boolean isEmpty() {
        return compression.isEmpty() && !sign;
    }
}
