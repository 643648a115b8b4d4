package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.storage.http.HttpStorageSettings.Resilience;
import io.artstore.ingester.storage.http.HttpStorageSettings.Timeouts;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many uploads at once through two fixture SEs sharing one client, each of its own size, checked end to end:
 * the checksum the SE reports and the bytes read back must match what was generated.
 */
final class ConcurrentUploads {

    private record Outcome(HttpStorageElement element, FileAttributes stored, long size, Sha256 sent) {}

    private ConcurrentUploads() {}

    /**
     * @param sizes the size of each upload, uploaded all at once, alternately to the two elements
     */
    static void run(SeFixtures fixtures, List<Long> sizes, Duration readTimeout) throws Exception {
        StorageElementServer first = fixtures.start(Mode.EDIT, 0);
        StorageElementServer second = fixtures.start(Mode.EDIT, 1);
        Resilience roomy = new Resilience(5, 10, Duration.ofSeconds(30), 2, 3, Duration.ofMillis(50),
                Duration.ofMillis(500), 0.25, sizes.size(), Duration.ofMinutes(5));
        Timeouts patient = new Timeouts(Duration.ofSeconds(10), readTimeout, readTimeout, Duration.ZERO);
        List<HttpStorageElement> elements = List.of(
                fixtures.element(fixtures.settings(first, Mode.EDIT, 0).withResilience(roomy).withTimeouts(patient)),
                fixtures.element(fixtures.settings(second, Mode.EDIT, 1).withResilience(roomy).withTimeouts(patient)));
        ExecutorService pool = Executors.newFixedThreadPool(sizes.size());
        List<Outcome> outcomes = new ArrayList<>();
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < sizes.size(); i++) {
                long size = sizes.get(i);
                long seed = 1_000 + i;
                HttpStorageElement element = elements.get(i % 2);
                futures.add(pool.submit(() -> {
                    GeneratedContent content = new GeneratedContent(size, seed);
                    StoreRequest request = aStoreRequest().originalFilename("upload-" + seed + ".bin").build();
                    FileAttributes stored = element.store(request, content);
                    return new Outcome(element, stored, size, content.checksum());
                }));
            }
            for (Future<Outcome> future : futures) {
                outcomes.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }
        for (Outcome outcome : outcomes) {
            assertThat(outcome.stored().fileSize()).isEqualTo(outcome.size());
            assertThat(outcome.stored().checksum()).isEqualTo(outcome.sent());
            assertThat(GeneratedContent.checksumOf(outcome.element().open(outcome.stored().fileId()).orElseThrow()))
                    .as("bytes read back from %s", outcome.element().id()).isEqualTo(outcome.sent());
        }
        assertThat(outcomes).extracting(Outcome::element).containsAll(elements);
        fixtures.assertNoLeftovers();
    }

    /** Sizes spread evenly on a log scale between {@code min} and {@code max}, shuffled; both ends included. */
    static List<Long> logSpread(int count, long min, long max, long seed) {
        List<Long> sizes = new ArrayList<>();
        double low = Math.log(min);
        double high = Math.log(max);
        for (int i = 0; i < count; i++) {
            sizes.add(Math.round(Math.exp(low + (high - low) * i / (count - 1))));
        }
        Collections.shuffle(sizes, new Random(seed));
        return sizes;
    }
}
