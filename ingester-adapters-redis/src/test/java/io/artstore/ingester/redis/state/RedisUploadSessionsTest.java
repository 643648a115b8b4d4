package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.port.out.UploadSessionsContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
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
}
