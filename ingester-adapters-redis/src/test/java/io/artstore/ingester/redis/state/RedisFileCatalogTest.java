package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileCatalogContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisFileCatalogTest extends FileCatalogContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected FileCatalog createCatalog() {
        return new RedisFileCatalog(REDIS.state("instance-a"));
    }
}
