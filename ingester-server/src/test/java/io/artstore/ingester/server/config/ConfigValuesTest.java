package io.artstore.ingester.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValuesTest {

    @ParameterizedTest
    @CsvSource({"0,0s", "250,250ms", "1500,1500ms", "5000,5s", "90000,90s", "60000,1m", "1800000,30m", "3600000,1h",
            "86400000,1d", "172800000,2d"})
    void a_duration_shows_in_its_largest_exact_unit(long millis, String shown) {
        assertThat(ConfigValues.duration(Duration.ofMillis(millis))).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"0,0B", "1,1B", "1000,1KB", "1024,1KiB", "104857600,100MiB", "10737418240,10GiB", "500000000000,500GB",
            "1099511627776,1TiB", "1234567,1234567B"})
    void a_size_shows_in_its_largest_exact_unit(long bytes, String shown) {
        assertThat(ConfigValues.size(bytes)).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"1234567", "10737418240", "500000000000", "1000"})
    void what_is_shown_reads_back_as_the_same_size(long bytes) {
        IngesterConfig config = ConfigLoader.load(java.util.List.of(), Map.of("MAX_FILE_SIZE", ConfigValues.size(bytes)));
        assertThat(config.upload().maxFileBytes()).isEqualTo(bytes);
    }
}
