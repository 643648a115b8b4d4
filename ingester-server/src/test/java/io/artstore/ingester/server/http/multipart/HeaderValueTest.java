package io.artstore.ingester.server.http.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeaderValueTest {

    @Test
    void reads_the_type_and_quoted_and_plain_parameters() {
        HeaderValue value = HeaderValue.parse("Form-Data; NAME=\"file\"; filename=\"a;b \\\"c\\\".txt\" ; size=12");

        assertThat(value.type()).isEqualTo("form-data");
        assertThat(value.parameter("name")).contains("file");
        assertThat(value.parameter("filename")).contains("a;b \"c\".txt");
        assertThat(value.parameter("size")).contains("12");
        assertThat(value.parameter("missing")).isEmpty();
    }

    @Test
    void keeps_backslashes_that_escape_nothing_as_browsers_send_windows_paths() {
        assertThat(HeaderValue.parse("form-data; filename=\"C:\\dir\\a.txt\"").parameter("filename")).contains("C:\\dir\\a.txt");
    }

    @Test
    void the_extended_form_wins_in_either_order() {
        assertThat(HeaderValue.parse("attachment; filename=\"plain.txt\"; filename*=UTF-8''%D0%B6.txt")
                .extendedParameter("filename")).contains("ж.txt");
        assertThat(HeaderValue.parse("attachment; filename*=utf-8'en'%D0%B6.txt; filename=\"plain.txt\"")
                .extendedParameter("filename")).contains("ж.txt");
        assertThat(HeaderValue.parse("attachment; filename*=ISO-8859-1''%E9.txt").extendedParameter("filename")).contains("é.txt");
        assertThat(HeaderValue.parse("attachment; filename=\"plain.txt\"").extendedParameter("filename")).contains("plain.txt");
        assertThat(HeaderValue.parse("attachment").extendedParameter("filename")).isEmpty();
    }

    @Test
    void an_extended_value_that_cannot_be_decoded_is_refused() {
        for (String bad : new String[] {"UTF-8''a%ZZ.txt", "UTF-8''a%2", "no-quotes", "KOI8-R''x", "UTF-8''%FF%FE", "UTF-8''ж"}) {
            assertThatThrownBy(() -> HeaderValue.parse("attachment; filename*=" + bad).extendedParameter("filename"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void a_nul_byte_is_decoded_for_the_name_check_to_refuse() {
        assertThat(HeaderValue.parse("attachment; filename*=UTF-8''a%00.txt").extendedParameter("filename")).contains("a\0.txt");
    }
}
