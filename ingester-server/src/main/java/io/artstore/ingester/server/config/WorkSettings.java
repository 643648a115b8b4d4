package io.artstore.ingester.server.config;

import java.util.Objects;

/**
 * The saga participant's and the background tasks' topics (used with Kafka), and the local task workers (without).
 *
 * @param taskThreads how many threads of this instance run tasks from the local queue
 */
public record WorkSettings(String sagaCommandsTopic, String sagaRepliesTopic, String tasksTopic, int taskThreads) {

    public static final String DEFAULT_SAGA_COMMANDS_TOPIC = "artstore.saga.commands.ingester";
    public static final String DEFAULT_SAGA_REPLIES_TOPIC = "artstore.saga.replies";
    public static final String DEFAULT_TASKS_TOPIC = "artstore.ingester.tasks";
    public static final int DEFAULT_TASK_THREADS = 1;
    public static final int MAX_TASK_THREADS = 16;

    public static final WorkSettings DEFAULTS = new WorkSettings(DEFAULT_SAGA_COMMANDS_TOPIC, DEFAULT_SAGA_REPLIES_TOPIC,
            DEFAULT_TASKS_TOPIC, DEFAULT_TASK_THREADS);

    public WorkSettings {
        Objects.requireNonNull(sagaCommandsTopic, "sagaCommandsTopic");
        Objects.requireNonNull(sagaRepliesTopic, "sagaRepliesTopic");
        Objects.requireNonNull(tasksTopic, "tasksTopic");
        if (taskThreads < 1 || taskThreads > MAX_TASK_THREADS) {
            throw new IllegalArgumentException("task threads must be 1-" + MAX_TASK_THREADS + ", got " + taskThreads);
        }
    }
}
