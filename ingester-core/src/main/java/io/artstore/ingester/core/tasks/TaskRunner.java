package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.RunTaskUseCase;
import io.artstore.ingester.core.port.out.Task;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Hands each task to the handler of its type, and says whether the queue should run it again. */
public final class TaskRunner implements RunTaskUseCase {

    private final Map<String, TaskHandler> handlers;

    public TaskRunner(Collection<? extends TaskHandler> handlers) {
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(TaskHandler::type, Function.identity()));
    }

    @Override
    public Result run(Task task) {
        Objects.requireNonNull(task, "task");
        TaskHandler handler = handlers.get(task.type());
        if (handler == null) {
            return new Result.Finished(Optional.empty(), Optional.of("no handler for tasks of type '" + task.type() + "'"));
        }
        try {
            return new Result.Finished(Optional.of(handler.run(task)), Optional.empty());
        } catch (IngestException e) {
            if (e.kind() == IngestException.Kind.UNAVAILABLE) {
                return new Result.Retry(e.code() + ": " + e.getMessage());
            }
            return new Result.Finished(Optional.empty(), Optional.of(e.code() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            return new Result.Finished(Optional.empty(), Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }
}
