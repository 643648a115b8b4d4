package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The browser tests never pass silently on CI without a browser. */
class HeadlessChromiumTest {

    @Test
    void a_missing_browser_fails_the_browser_tests_on_ci() {
        assertThatThrownBy(() -> HeadlessChromium.require(false, "true")).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("CI is set");
        assertThatThrownBy(() -> HeadlessChromium.require(false, "1")).isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void a_missing_browser_skips_them_elsewhere() {
        assertThatThrownBy(() -> HeadlessChromium.require(false, null)).isInstanceOf(TestAbortedException.class);
        assertThatThrownBy(() -> HeadlessChromium.require(false, "false")).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void an_installed_browser_runs_them() {
        assertThatCode(() -> HeadlessChromium.require(true, "true")).doesNotThrowAnyException();
        assertThatCode(() -> HeadlessChromium.require(true, null)).doesNotThrowAnyException();
    }
}
