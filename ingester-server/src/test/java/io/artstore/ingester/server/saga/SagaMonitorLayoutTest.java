package io.artstore.ingester.server.saga;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.RetryPolicy;
import io.artstore.ingester.core.saga.SagaDefinition;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.StepFailure;
import io.artstore.ingester.core.service.AddFileSaga;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The monitor names each step with the layout its saga was logged in, today's or an earlier one. */
class SagaMonitorLayoutTest {

    private final AddFileSaga add = new AddFileSaga(List::of, new InMemoryFileCatalog(), new RecordingEventPublisher(),
            Clock.systemUTC(), new AddFileSaga.Settings(Duration.ofMinutes(1), RetryPolicy.DEFAULT));

    @Test
    void a_step_of_an_add_saga_of_the_first_layout_is_logged_under_that_layouts_name() {
        List<SagaDefinition<?>> definitions = new ArrayList<>(List.of(add.definition()));
        definitions.addAll(add.earlierDefinitions());
        SagaMonitor monitor = new SagaMonitor(definitions);

        List<String> steps = stepsLogged(() -> {
            monitor.recorded(stepSucceeded(1, 2));
            monitor.recorded(stepSucceeded(add.definition().version(), 2));
        });

        assertThat(steps).containsExactly("publish-stored", "register-file");
    }

    private static SagaRecord stepSucceeded(int version, int step) {
        Instant at = Instant.parse("2026-12-06T01:00:00Z");
        return new SagaRecord(new SagaId("add-of-layout-" + version), "add-file", version, 5, SagaRecord.Kind.STEP_SUCCEEDED,
                step, 1, at, "ingester-1", at.plusSeconds(60), Map.of("file_id", "f"), Optional.empty(), VectorClock.empty());
    }

    @Test
    void a_step_that_succeeded_is_logged_at_debug_and_one_that_failed_at_warn() {
        SagaMonitor monitor = new SagaMonitor(List.of(add.definition()));
        SagaRecord failed = new SagaRecord(new SagaId("add-failed"), "add-file", add.definition().version(), 5,
                SagaRecord.Kind.STEP_FAILED, 2, 1, Instant.parse("2026-12-06T01:00:00Z"), "ingester-1",
                Instant.parse("2026-12-06T01:01:00Z"), Map.of("file_id", "f"),
                Optional.of(new StepFailure(StepFailure.Type.TRANSIENT, "the element did not answer")), VectorClock.empty());

        assertThat(logged(Level.INFO, () -> monitor.recorded(stepSucceeded(add.definition().version(), 2)))).isEmpty();
        assertThat(logged(Level.DEBUG, () -> monitor.recorded(stepSucceeded(add.definition().version(), 2))))
                .extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG);
        List<ILoggingEvent> failure = logged(Level.INFO, () -> monitor.recorded(failed));
        assertThat(failure).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN);
        assertThat(steps(failure)).containsExactly("register-file");
    }

    private static List<String> stepsLogged(Runnable action) {
        return steps(logged(Level.DEBUG, action));
    }

    private static List<String> steps(List<ILoggingEvent> events) {
        return events.stream().flatMap(event -> event.getKeyValuePairs().stream())
                .filter(pair -> pair.key.equals("step")).map(pair -> String.valueOf(pair.value)).toList();
    }

    private static List<ILoggingEvent> logged(Level level, Runnable action) {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger sagas = (Logger) LoggerFactory.getLogger("io.artstore.ingester.sagas");
        Level before = sagas.getLevel();
        sagas.setLevel(level);
        sagas.addAppender(log);
        try {
            action.run();
        } finally {
            sagas.detachAppender(log);
            sagas.setLevel(before);
        }
        return List.copyOf(log.list);
    }
}
