package io.artstore.ingester.server.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The packaged server ({@code target/artstore-ingester.jar}) running as a child process with a small heap, on a
 * free port of 127.0.0.1, its output in a log file. Tests can stop it (SIGTERM) or kill it (SIGKILL) at any moment.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The jar that the package phase built. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("artstore-ingester.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar.toAbsolutePath() + "; run integration tests with mvn verify");
        }
        return jar;
    }

    /**
     * Starts the server and waits until it answers {@code /health/live}.
     *
     * @param config the YAML file to pass as {@code --config}
     * @param env variables added to this process's environment
     * @param heap the {@code -Xmx} value, e.g. {@code 128m}
     */
    public static ServerProcess start(Path config, Map<String, String> env, String heap) {
        return start(List.of("-Xmx" + heap, "-jar", jar().toString()), config, env);
    }

    /**
     * Starts a main class of the test classes, with the packaged jar and the test classes on the class path, e.g. one
     * that wires crash points into the server; then as {@link #start(Path, Map, String)}.
     *
     * @param properties system properties for the process
     */
    public static ServerProcess startMain(String mainClass, Map<String, String> properties, Path config,
            Map<String, String> env, String heap) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        properties.forEach((name, value) -> options.add("-D" + name + "=" + value));
        Path testClasses = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("test-classes");
        options.addAll(List.of("-cp", jar() + File.pathSeparator + testClasses, mainClass));
        return start(options, config, env);
    }

    private static ServerProcess start(List<String> javaOptions, Path config, Map<String, String> env) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(javaOptions);
        command.addAll(List.of("--config", config.toString()));
        try {
            Path log = Files.createTempFile(config.getParent(), "server-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("APP_HOST", "127.0.0.1");
            builder.environment().put("APP_PORT", String.valueOf(port));
            builder.environment().putAll(env);
            ServerProcess server = new ServerProcess(builder.start(), port, log);
            server.awaitLive();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the jar to its end (for start-ups that must fail) and returns its exit status and output. */
    public static Finished run(Path workingFolder, List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-jar", jar().toString()));
        command.addAll(args);
        try {
            Path log = Files.createTempFile(workingFolder, "run-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingFolder.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the server did not exit: " + Files.readString(log));
            }
            return new Finished(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Finished(int exitCode, String output) {}

    /**
     * Sends an edit-mode upload of generated content with its fields first, so that the server streams it to the
     * storage element; the length is computed, never buffered. The caller reads the answer.
     */
    public HttpURLConnection sendUpload(String fileName, GeneratedContent content, Duration readTimeout) throws IOException {
        return StreamedUpload.open(uri("/api/v1/files/upload"), "edit", fileName, content, readTimeout).finish();
    }

    /** The answer's body, whether it is an error or not. */
    public static byte[] body(HttpURLConnection connection) throws IOException {
        InputStream in = connection.getResponseCode() >= 400 ? connection.getErrorStream() : connection.getInputStream();
        try (in) {
            return in.readAllBytes();
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port).resolve(pathAndQuery);
    }

    /** The process id, which the server records as the holder of its data folder's lock. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process gets no chance to clean up. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the server stops cleanly. Returns the exit status. */
    public int stop() {
        process.destroy();
        return awaitExit();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitLive() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersLive()) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + " while starting:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new AssertionError("the server did not answer within " + START_TIMEOUT + ":\n" + log());
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    private boolean answersLive() {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri("/health/live").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(1000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
