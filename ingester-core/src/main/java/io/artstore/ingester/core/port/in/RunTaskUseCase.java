package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.port.out.Task;
import java.util.Optional;

/** Runs a background task that a queue's worker took; the answer tells the queue what to do with it. */
public interface RunTaskUseCase {

    Result run(Task task);

    /** How a run ended, for the queue. */
    sealed interface Result {
        /** Done, or failed for good: acknowledge it. */
        record Finished(Optional<TaskReport> report, Optional<String> failure) implements Result {}

        /** May succeed later: run it again. */
        record Retry(String reason) implements Result {}
    }
}
