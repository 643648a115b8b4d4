package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The test parser accepts the format and refuses what Prometheus refuses, so that a scrape that parses is valid. */
class PrometheusTextTest {

    private static final String VALID = """
            # HELP requests_total Requests "served", with a \\\\ and a\\nline feed
            # TYPE requests_total counter
            requests_total{code="200",path="a\\"b\\\\c\\nd"} 3.0
            requests_total{code="500",path=""} 0 1700000000000
            # TYPE took_seconds histogram
            took_seconds_bucket{le="0.5"} 1
            took_seconds_bucket{le="1.0"} 2
            took_seconds_bucket{le="+Inf"} 2
            took_seconds_count 2
            took_seconds_sum 1.25e0
            # a plain comment
            up NaN
            """;

    @Test
    void reads_families_labels_escapes_and_values() {
        PrometheusText text = PrometheusText.parse(VALID);

        assertThat(text.names()).containsExactly("requests_total", "took_seconds", "up");
        assertThat(text.family("requests_total").orElseThrow().type()).isEqualTo("counter");
        assertThat(text.family("requests_total").orElseThrow().help()).isEqualTo("Requests \"served\", with a \\ and a\nline feed");
        assertThat(text.sum("requests_total", Map.of("path", "a\"b\\c\nd"))).isEqualTo(3.0);
        assertThat(text.sum("took_seconds_count", Map.of())).isEqualTo(2);
        assertThat(text.sum("took_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "requests_total 1", // no final line feed
        "requests_total{code=\"200\" 1\n", // unclosed labels
        "requests_total{code=200} 1\n", // unquoted value
        "requests_total{1code=\"a\"} 1\n", // bad label name
        "requests_total{code=\"a\\t\"} 1\n", // unknown escape
        "requests_total{code=\"a\",code=\"b\"} 1\n", // label twice
        "requests_total one\n", // value not a number
        "requests_total 1 12.5\n", // timestamp not an integer
        "requests_total  1\n", // two spaces
        "requests_total 1 2 3\n", // too many fields
        "9requests 1\n", // bad metric name
        "\n", // empty line
        "# TYPE requests_total countr\nrequests_total 1\n", // unknown type
        "# TYPE a counter\n# TYPE a counter\na 1\n", // TYPE twice
        "a 1\n# TYPE a counter\n", // TYPE after samples
        "a 1\nb 1\na{x=\"y\"} 1\n", // family not together
        "a 1\na 2\n", // series twice
        "# TYPE a counter\na -1\n", // negative counter
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 1\n", // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n", // no +Inf bucket
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\nh_sum 1\n", // +Inf is not the count
    })
    void refuses_what_is_not_the_format(String text) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOfAny(PrometheusText.ParseException.class,
                IllegalStateException.class);
    }
}
