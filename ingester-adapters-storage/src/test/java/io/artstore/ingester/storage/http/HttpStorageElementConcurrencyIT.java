package io.artstore.ingester.storage.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 64 uploads at once through two SEs over TLS (HTTP/1.1): 63 from 1 KiB to 16 MiB on a log scale, and one of 256 MiB. */
class HttpStorageElementConcurrencyIT {

    @TempDir
    Path root;

    private SeFixtures fixtures;

    @BeforeEach
    void startFixtures() {
        fixtures = new SeFixtures(root, true);
    }

    @AfterEach
    void stopFixtures() {
        fixtures.close();
    }

    @Test
    void sixty_four_concurrent_uploads_up_to_256_mib_all_land_intact() throws Exception {
        List<Long> sizes = new ArrayList<>(ConcurrentUploads.logSpread(63, 1024, 16L * 1024 * 1024, 11));
        sizes.add(sizes.size() / 2, 256L * 1024 * 1024);
        ConcurrentUploads.run(fixtures, sizes, Duration.ofMinutes(10));
    }
}
