package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saga participant's and the tasks' settings: {@code kafka.topics.saga_*}, {@code kafka.topics.tasks}, {@code tasks.threads}. */
class WorkConfigTest {

    @TempDir
    Path folder;

    @Test
    void the_defaults_are_artstores_topic_names_and_one_task_thread() {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of());

        assertThat(config.work()).isEqualTo(new WorkSettings("artstore.saga.commands.ingester", "artstore.saga.replies",
                "artstore.ingester.tasks", 1));
        assertThat(config.describe()).containsEntry("tasks", Map.of("threads", 1));
    }

    @Test
    void the_file_sets_them_the_environment_wins_and_kafka_shows_the_topics() throws IOException {
        Path file = folder.resolve("ingester.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap_servers: 127.0.0.1:9092
                  topics:
                    saga_commands: sagas.in
                    saga_replies: sagas.out
                    tasks: work
                tasks:
                  threads: 3
                """);

        IngesterConfig config = ConfigLoader.load(List.of("--config", file.toString()),
                Map.of("KAFKA_TOPIC_TASKS", "work.env", "INGESTER_TASK_THREADS", "2"));

        assertThat(config.work()).isEqualTo(new WorkSettings("sagas.in", "sagas.out", "work.env", 2));
        @SuppressWarnings("unchecked")
        Map<String, Object> kafka = (Map<String, Object>) config.describe().get("kafka");
        assertThat(kafka.get("topics")).asString().contains("saga_commands=sagas.in", "saga_replies=sagas.out", "tasks=work.env");
    }

    @Test
    void a_bad_topic_name_or_thread_count_stops_start_up_naming_the_variable() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("KAFKA_TOPIC_SAGA_COMMANDS", "no spaces")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KAFKA_TOPIC_SAGA_COMMANDS");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(), Map.of("INGESTER_TASK_THREADS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("INGESTER_TASK_THREADS");
    }
}
