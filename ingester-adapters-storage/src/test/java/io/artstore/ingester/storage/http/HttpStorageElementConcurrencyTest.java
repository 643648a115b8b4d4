package io.artstore.ingester.storage.http;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 64 uploads at once, 1 KiB to 4 MiB, through two SEs over TLS (HTTP/1.1); the sizes up to 256 MiB run as an IT. */
class HttpStorageElementConcurrencyTest {

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
    void sixty_four_concurrent_uploads_of_mixed_sizes_all_land_intact() throws Exception {
        ConcurrentUploads.run(fixtures, ConcurrentUploads.logSpread(64, 1024, 4L * 1024 * 1024, 7), Duration.ofMinutes(2));
    }
}
