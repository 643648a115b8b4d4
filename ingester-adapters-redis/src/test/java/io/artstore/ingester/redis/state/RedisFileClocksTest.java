package io.artstore.ingester.redis.state;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.FileClocksContract;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisFileClocksTest extends FileClocksContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Override
    protected FileClocks createClocks(Predicate<FileId> exists) {
        return new RedisFileClocks(REDIS.state("instance-a"), exists);
    }
}
