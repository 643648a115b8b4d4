package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.EventOutboxContract;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.core.testing.Await;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisEventOutboxTest extends EventOutboxContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private int capacity;

    @Override
    protected EventOutbox open(int capacity) {
        this.capacity = capacity;
        return new RedisEventOutbox(REDIS.state("instance-a"), capacity);
    }

    @Override
    protected EventOutbox reopen() {
        return new RedisEventOutbox(REDIS.state("instance-a"), capacity);
    }

    @Override
    protected void storeFirstEntry(String entry) {
        RedisState state = REDIS.state("instance-a");
        state.call(() -> {
            state.redis().set(RedisEventOutbox.SEQ, "1");
            return state.redis().rpush(RedisEventOutbox.EVENTS, "1 " + entry);
        });
    }

    @Test
    void oneInstanceRelaysAtATimeAndAnotherTakesOverWhenItsLeaseLapses() {
        RedisEventOutbox a = new RedisEventOutbox(REDIS.state("instance-a"), 100, Duration.ofMillis(300));
        RedisEventOutbox b = new RedisEventOutbox(REDIS.state("instance-b"), 100, Duration.ofMillis(300));
        b.append(event("e1", FileId.random(), FileEvent.Type.FILE_ADDED, T0));
        a.append(event("e2", FileId.random(), FileEvent.Type.FILE_ADDED, T0));

        assertThat(a.oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e1", "e2");
        assertThat(b.oldest(10)).as("a holds the relay lease").isEmpty();

        // a stops relaying (it died): after its lease b sends what a had not acknowledged.
        Await.until(Duration.ofSeconds(5), "b takes the relay over", () -> !b.oldest(10).isEmpty());
        assertThat(b.oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e1", "e2");
        b.acknowledge(b.oldest(1));
        assertThat(b.status().depth()).isEqualTo(1);
        assertThat(a.oldest(10)).as("b holds the lease now").isEmpty();
    }

    @Test
    void anAcknowledgementOfEventsNoLongerAtTheHeadChangesNothing() {
        RedisEventOutbox outbox = (RedisEventOutbox) open(100);
        outbox.append(event("e1", FileId.random(), FileEvent.Type.FILE_ADDED, T0));
        outbox.append(event("e2", FileId.random(), FileEvent.Type.FILE_ADDED, T0));
        var first = outbox.oldest(1);
        outbox.acknowledge(first);

        outbox.acknowledge(first);

        assertThat(outbox.oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e2");
    }
}
