package io.artstore.ingester.server.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The system's headless Chromium, when installed: screenshots and serialised DOMs of a page. */
final class HeadlessChromium {

    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 90;
    /** Virtual time runs the page's timers and waits for its fetches, without waiting in real time. */
    private static final int VIRTUAL_TIME_BUDGET_MS = 12_000;

    private final Path workDir;

    HeadlessChromium(Path workDir) {
        this.workDir = workDir;
    }

    static boolean installed() {
        return Files.isExecutable(EXECUTABLE);
    }

    void screenshot(String url, Path png) throws IOException, InterruptedException {
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,900", url));
    }

    /** The DOM once the page's scripts and timers ran. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    private String run(List<String> arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Path out = Files.createTempFile(workDir, "chromium", ".out");
        Path err = Files.createTempFile(workDir, "chromium", ".err");
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
