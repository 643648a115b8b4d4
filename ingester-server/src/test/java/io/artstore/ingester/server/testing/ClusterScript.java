package io.artstore.ingester.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code scripts/cluster.sh} as the cluster tests run it: its own folder, small heaps, its own Sentinel set. */
public final class ClusterScript {

    /** The line {@code start} prints: the instances' ports, then the balancer's address. */
    public static final Pattern STARTED = Pattern.compile("on 127\\.0\\.0\\.1 ports ([0-9 ]+) behind nginx at (http://\\S+)");

    private ClusterScript() {
    }

    /**
     * Runs the script and returns what it printed; fails the test when it exits other than 0.
     *
     * @param env more variables for the script, e.g. {@code INSTANCE_1_JAVA_ARGS}
     */
    public static String run(Path clusterDir, Path config, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", project().resolve("scripts/cluster.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CLUSTER_DIR", clusterDir.toString());
        builder.environment().put("INGESTER_CONFIG", config.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1");
        builder.environment().putAll(env);
        // The script starts its own Sentinel set unless these point it elsewhere.
        List.of("REDIS_HOST", "REDIS_SENTINEL_HOSTS", "REDIS_CLUSTER_NODES").forEach(builder.environment()::remove);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }

    /** Where the instances of a started cluster listen, in order, and the balancer in front of them. */
    public record Started(List<Integer> ports, URI balancer) {

        /** The instances' base addresses, in the order of {@link #ports}. */
        public List<URI> instances() {
            return ports.stream().map(port -> URI.create("http://127.0.0.1:" + port)).toList();
        }
    }

    /** Runs {@code start} for {@code instances} instances; fails the test when it does not print where they listen. */
    public static Started start(Path clusterDir, Path config, Map<String, String> env, int instances) throws Exception {
        String started = run(clusterDir, config, env, "start", Integer.toString(instances));
        Matcher matcher = STARTED.matcher(started);
        assertThat(matcher.find()).as(started).isTrue();
        return new Started(Arrays.stream(matcher.group(1).trim().split(" ")).map(Integer::valueOf).toList(),
                URI.create(matcher.group(2)));
    }

    /** The checkout's root: the first folder up from here that holds the script. */
    public static Path project() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("scripts/cluster.sh"))) {
                return at;
            }
        }
        throw new IllegalStateException("scripts/cluster.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Sends a request to an instance or the balancer; a failed call fails the test. */
    public static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
