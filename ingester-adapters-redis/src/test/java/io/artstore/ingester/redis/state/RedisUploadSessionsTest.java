package io.artstore.ingester.redis.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.port.out.UploadSessionsContract;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Another view is another instance on a client of its own. */
class RedisUploadSessionsTest extends UploadSessionsContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected UploadSessions createSessions() {
        return new RedisUploadSessions(REDIS.state("instance-a"));
    }

    @Override
    protected UploadSessions anotherView(UploadSessions sessions) {
        return new RedisUploadSessions(REDIS.otherInstance("instance-b"));
    }

    @Test
    void a_lease_change_waits_for_no_replica_but_an_acknowledgement_does() {
        // One replica wanted and none there: a durable write is refused, a lease change is not held up by it.
        UploadSessions needingReplica = new RedisUploadSessions(new RedisState(REDIS.client(),
                RedisState.Settings.standalone("instance-a").withReplicas(1, Duration.ofMillis(200))));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UploadSession created = session(now.plus(Duration.ofHours(1)));
        sessions.create(created);
        UploadSession locked = created.withLock(created.lock().takenBy("i1/r1", now.plusSeconds(5)), now);

        assertThat(needingReplica.replaceLease(locked)).isTrue();
        assertThat(sessions.find(created.id())).contains(locked);

        UploadSession acknowledged = locked.withOffset(10, 1, locked.lock().released(), now);
        assertThatThrownBy(() -> needingReplica.replace(acknowledged)).isInstanceOf(IngestException.class)
                .extracting(e -> ((IngestException) e).code()).isEqualTo("state_not_replicated");
    }
}
