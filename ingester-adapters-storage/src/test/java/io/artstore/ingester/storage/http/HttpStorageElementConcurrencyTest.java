package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    /** Nothing in the adapter (pool, dispatcher, a lock per element) may queue the uploads to one element. */
    @Test
    void sixteen_uploads_to_one_element_have_their_calls_at_the_element_at_the_same_time() throws Exception {
        StorageElementServer server = fixtures.start(Mode.EDIT);
        int uploads = 16;
        // A breaker that the 503s of the held writes do not open, so that their retries land.
        HttpStorageElement element = fixtures.element(fixtures.settings(server, Mode.EDIT, 0).withResilience(new Resilience(
                4 * uploads, 4 * uploads, Duration.ofSeconds(30), 2, 3, Duration.ofMillis(10), Duration.ofMillis(50), 0.25,
                2 * uploads, Duration.ofSeconds(10))));
        byte[] content = new byte[200_000];
        new Random(16).nextBytes(content);
        // Each upload's metadata write is held at the SE: all of them are held at once only if none waits for another.
        server.faults().holdUpdates();
        ExecutorService callers = Executors.newFixedThreadPool(uploads);
        try {
            List<StoreRequest> requests = new ArrayList<>();
            List<Future<FileAttributes>> stored = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                StoreRequest request = aStoreRequest().build();
                requests.add(request);
                stored.add(callers.submit(() -> element.store(request, new ByteArrayInputStream(content))));
            }
            for (int i = 0; i < uploads; i++) {
                assertThat(server.faults().awaitHeldUpdate(Duration.ofSeconds(60)))
                        .as("metadata write %d of %d held at the SE while the others are", i + 1, uploads).isTrue();
            }
            // The held writes are answered 503 and written again by the retry.
            server.faults().releaseUpdates();
            for (int i = 0; i < uploads; i++) {
                FileAttributes attributes = stored.get(i).get(60, TimeUnit.SECONDS);
                assertThat(attributes.fileId()).isEqualTo(requests.get(i).fileId());
                assertThat(attributes.fileSize()).isEqualTo(content.length);
            }
            fixtures.assertNoLeftovers();
        } finally {
            callers.shutdownNow();
        }
    }
}
