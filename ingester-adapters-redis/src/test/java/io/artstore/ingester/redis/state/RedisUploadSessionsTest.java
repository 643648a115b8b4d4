package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.port.out.UploadSessionsContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Another view is another instance on a client of its own. */
class RedisUploadSessionsTest extends UploadSessionsContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private RedisClient otherClient;

    @AfterEach
    void closeOther() {
        if (otherClient != null) {
            otherClient.close();
        }
    }

    @Override
    protected UploadSessions createSessions() {
        return new RedisUploadSessions(REDIS.state("instance-a"));
    }

    @Override
    protected UploadSessions anotherView(UploadSessions sessions) {
        if (otherClient == null) {
            otherClient = REDIS.newClient();
        }
        return new RedisUploadSessions(new RedisState(otherClient, RedisState.Settings.standalone("instance-b")));
    }
}
