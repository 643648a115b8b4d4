package io.artstore.ingester.core.saga;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(ofMillis(100), ofSeconds(2), 2.0, 0.5);

    @Test
    void doubles_each_retry_up_to_the_maximum() {
        assertThat(backoff.delay(1, 0.0)).isEqualTo(ofMillis(100));
        assertThat(backoff.delay(2, 0.0)).isEqualTo(ofMillis(200));
        assertThat(backoff.delay(5, 0.0)).isEqualTo(ofMillis(1600));
        assertThat(backoff.delay(6, 0.0)).isEqualTo(ofSeconds(2));
        assertThat(backoff.delay(1000, 0.0)).isEqualTo(ofSeconds(2));
    }

    @Test
    void takes_off_at_most_the_jitter_share() {
        for (int retry = 1; retry <= 10; retry++) {
            Duration full = backoff.delay(retry, 0.0);
            for (double random = 0.0; random < 1.0; random += 0.125) {
                assertThat(backoff.delay(retry, random)).isBetween(full.dividedBy(2), full);
            }
            assertThat(backoff.delay(retry, 0.5)).isEqualTo(full.multipliedBy(3).dividedBy(4));
        }
    }

    @Test
    void without_jitter_ignores_the_random_value() {
        Backoff exact = new Backoff(ofSeconds(1), ofSeconds(1), 1.0, 0.0);

        assertThat(exact.delay(3, 0.99)).isEqualTo(ofSeconds(1));
    }

    @Test
    void refuses_settings_that_make_no_sense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, ofSeconds(1), 2.0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(ofSeconds(2), ofSeconds(1), 2.0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(ofSeconds(1), ofSeconds(2), 0.5, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(ofSeconds(1), ofSeconds(2), 2.0, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.delay(0, 0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.delay(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashed_jitter_is_the_same_for_the_same_retry_and_spreads_sagas() {
        JitterSource jitter = JitterSource.hashed();
        SagaId saga = new SagaId("saga-1");

        assertThat(jitter.random(saga, 2, 3)).isEqualTo(jitter.random(new SagaId("saga-1"), 2, 3)).isBetween(0.0, 1.0);
        assertThat(IntStream.range(0, 50).mapToDouble(i -> jitter.random(new SagaId("saga-" + i), 0, 1)).distinct())
                .hasSizeGreaterThan(45).allSatisfy(value -> assertThat(value).isGreaterThanOrEqualTo(0.0).isLessThan(1.0));
    }
}
