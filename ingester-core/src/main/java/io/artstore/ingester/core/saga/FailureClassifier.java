package io.artstore.ingester.core.saga;

import io.artstore.ingester.core.domain.IngestException;

/** Turns what a step threw into a {@link StepFailure}: may another attempt help? */
@FunctionalInterface
public interface FailureClassifier {

    StepFailure classify(Exception failure);

    /**
     * An {@link IngestException} is transient when the element is unavailable or failed internally and
     * permanent otherwise (the request itself is wrong); any other exception, such as an I/O error, is
     * transient.
     */
    static FailureClassifier standard() {
        return failure -> {
            if (failure instanceof IngestException ingest) {
                String message = ingest.code() + ": " + ingest.getMessage();
                return switch (ingest.kind()) {
                    case UNAVAILABLE, INTERNAL -> StepFailure.transientFailure(message);
                    default -> StepFailure.permanent(message);
                };
            }
            return StepFailure.transientFailure(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        };
    }
}
