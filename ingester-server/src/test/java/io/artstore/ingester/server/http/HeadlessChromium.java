package io.artstore.ingester.server.http;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the system's Chromium is (the Debian package), for the browser tests that drive it. */
final class HeadlessChromium {

    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    static boolean installed() {
        return Files.isExecutable(EXECUTABLE);
    }

    /** Skips the calling test without Chromium on a workstation, and fails it on CI (the CI variable set). */
    static void require() {
        require(installed(), System.getenv("CI"));
    }

    static void require(boolean installed, String ci) {
        if (installed) {
            return;
        }
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
            fail(EXECUTABLE + " is not installed, and CI is set: the browser tests must run on CI"
                    + " (.ci/run installs the chromium package)");
        }
        assumeTrue(false, EXECUTABLE + " is not installed");
    }
}
