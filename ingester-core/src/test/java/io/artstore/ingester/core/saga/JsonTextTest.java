package io.artstore.ingester.core.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void json_like_values_come_back_as_they_were_written_in_order() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("zeta", "quote \" backslash \\ newline \n tab \t control \u0001 unicode é ✓");
        value.put("alpha", List.of(1L, -2L, 3.5, true, false, Map.of()));
        value.put("nested", Map.of("empty", List.of()));
        value.put("nothing", null);
        value.put("huge", new BigInteger("123456789012345678901234567890"));
        value.put("precise", new BigDecimal("0.10000000000000000000000001"));

        Object read = JsonText.read(JsonText.write(value));

        assertThat(read).isEqualTo(value);
        assertThat(((Map<?, ?>) read).keySet().stream().map(String::valueOf).toList())
                .containsExactly("zeta", "alpha", "nested", "nothing", "huge", "precise");
    }

    @Test
    void reads_what_other_writers_write() {
        assertThat(JsonText.read(" { \"a\" : [ 1 , 2e3 , \"\\u00e9\\/\" ] } ")).isEqualTo(Map.of("a", List.of(1L, 2000.0, "é/")));
    }

    @Test
    void refuses_what_is_not_json() {
        for (String text : List.of("", "{", "{\"a\" 1}", "[1,]", "\"open", "tru", "1 2", "{\"a\":1}}", "-")) {
            assertThatThrownBy(() -> JsonText.read(text)).as(text).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> JsonText.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonText.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }
}
