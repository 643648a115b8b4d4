package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.Task;

/**
 * Runs the tasks of one type. A task may be run more than once (a worker died before acknowledging it, or it
 * failed and was retried): a handler must then find what an earlier run did rather than do it twice.
 */
public interface TaskHandler {

    String type();

    /**
     * @throws io.artstore.ingester.core.domain.IngestException {@code UNAVAILABLE} when it may succeed later: the
     *     task is retried; any other failure is final and the task is dropped with it logged
     */
    TaskReport run(Task task);
}
