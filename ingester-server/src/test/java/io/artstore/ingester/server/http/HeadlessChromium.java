package io.artstore.ingester.server.http;

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
}
