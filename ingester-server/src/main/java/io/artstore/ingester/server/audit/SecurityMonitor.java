package io.artstore.ingester.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.server.config.AlertSettings;
import io.artstore.ingester.server.config.DetectionSettings;
import io.artstore.ingester.server.observe.UploadSizes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The alert channel and the security detectors. An alert is a log line with the {@code SECURITY_ALERT} marker (or
 * {@code OPERATIONS_ALERT} for operational kinds such as a degradation; both carry the {@code ALERT} marker), a line in
 * the append-only alerts file ({@code <data_dir>/alerts/alerts.jsonl}) and a count per kind ({@link #counts()}). Other
 * detectors (slow stages, unusual upload sizes) raise their alerts here too, so that every alert takes one path.
 *
 * <p>Detectors: mass deletes and upload floods from the audit records ({@link #observe}); repeated authentication
 * failures and a token seen from a second IP address from authentication ({@link #authenticationFailed},
 * {@link #tokenUsed}). Each counts events per caller (or per client IP for anonymous callers) in a sliding window
 * and fires once per {@code count} events; its memory is bounded by forgetting quiet keys.
 */
public final class SecurityMonitor implements SecurityAlerts, AutoCloseable {

    /** On every alert's log line. */
    public static final Marker ALERT = MarkerFactory.getMarker("ALERT");
    public static final Marker MARKER = MarkerFactory.getMarker("SECURITY_ALERT");
    public static final Marker OPERATIONS_MARKER = MarkerFactory.getMarker("OPERATIONS_ALERT");

    static {
        MARKER.add(ALERT);
        OPERATIONS_MARKER.add(ALERT);
    }
    public static final String FILE_NAME = "alerts.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger("io.artstore.ingester.security");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKENS = 100_000;
    private static final int MAX_IPS_PER_TOKEN = 16;
    /** The last alerts kept in memory for the status page. */
    private static final int RECENT = 20;

    private final AlertSettings settings;
    private final Clock clock;
    private final Optional<FileChannel> file;
    private final Map<SecurityAlert.Kind, LongAdder> counts = new EnumMap<>(SecurityAlert.Kind.class);
    /** Where alerts also go once raised, e.g. a topic. */
    private volatile SecurityAlerts forward = SecurityAlerts.none();
    private final ArrayDeque<SecurityAlert> recent = new ArrayDeque<>();
    private final Window deletes;
    private final Window uploads;
    private final Window authFailures;
    private final UploadSizes sizes;
    private final Map<String, Set<String>> tokenAddresses = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > MAX_TOKENS;
        }
    };

    private SecurityMonitor(AlertSettings settings, DetectionSettings detection, Clock clock, Optional<FileChannel> file) {
        this.sizes = new UploadSizes(detection, this, clock);
        this.settings = settings;
        this.clock = clock;
        this.file = file;
        for (SecurityAlert.Kind kind : SecurityAlert.Kind.values()) {
            counts.put(kind, new LongAdder());
        }
        this.deletes = new Window(settings.massDelete());
        this.uploads = new Window(settings.uploadFlood());
        this.authFailures = new Window(settings.authenticationFailures());
    }

    /** Alerts go to the log, to {@code alertsFolder/alerts.jsonl} and to the counts. */
    public static SecurityMonitor open(AlertSettings settings, Path alertsFolder, Clock clock) {
        return open(settings, DetectionSettings.DEFAULTS, alertsFolder, clock);
    }

    /** @param detection when an upload's size is unusual for its subject */
    public static SecurityMonitor open(AlertSettings settings, DetectionSettings detection, Path alertsFolder, Clock clock) {
        try {
            Files.createDirectories(alertsFolder);
            FileChannel channel = FileChannel.open(alertsFolder.resolve(FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new SecurityMonitor(settings, detection, clock, Optional.of(channel));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the alerts file in " + alertsFolder, e);
        }
    }

    /** Counts and logs, keeps no file. */
    public static SecurityMonitor none() {
        return new SecurityMonitor(AlertSettings.DEFAULTS, DetectionSettings.DEFAULTS, Clock.systemUTC(), Optional.empty());
    }

    @Override
    public void raise(SecurityAlert alert) {
        counts.get(alert.kind()).increment();
        synchronized (recent) {
            recent.addFirst(alert);
            if (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
        org.slf4j.spi.LoggingEventBuilder line = LOG.atWarn()
                .addMarker(alert.kind().security() ? MARKER : OPERATIONS_MARKER)
                .setMessage(alert.kind().security() ? "SECURITY ALERT {}: {}" : "ALERT {}: {}")
                .addArgument(alert.kind().wireName()).addArgument(alert.detail())
                .addKeyValue("alert", alert.kind().wireName())
                .addKeyValue("subject", alert.caller().subject())
                .addKeyValue("client_ip", alert.clientIp().orElse(null))
                .addKeyValue("file_id", alert.fileId().map(Object::toString).orElse(null));
        alert.labels().forEach(line::addKeyValue);
        line.log();
        file.ifPresent(channel -> append(channel, alert));
        forward.raise(alert);
    }

    /** Sends every alert raised from now on to {@code also} too (after the log and the file). */
    public void forwardTo(SecurityAlerts also) {
        this.forward = java.util.Objects.requireNonNull(also, "also");
    }

    private void append(FileChannel channel, SecurityAlert alert) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", alert.time().toString());
        line.put("alert", alert.kind().wireName());
        line.put("subject", alert.caller().subject());
        line.put("name", alert.caller().name());
        alert.caller().clientId().ifPresent(id -> line.put("client_id", id));
        alert.caller().tokenId().ifPresent(id -> line.put("token_id", id));
        alert.clientIp().ifPresent(ip -> line.put("client_ip", ip));
        alert.fileId().ifPresent(id -> line.put("file_id", id.toString()));
        alert.labels().forEach((key, value) -> {
            if (!line.has(key)) {
                line.put(key, value);
            }
        });
        line.put("detail", alert.detail());
        try {
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            synchronized (channel) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            LOG.atError().addMarker(MARKER).log("the alert could not be written to the alerts file: {}", e.getMessage());
        }
    }

    /** Feeds the delete and upload detectors from the audit trail. */
    public void observe(AuditRecord record) {
        Instant now = record.time();
        if (record.action().equals(AuditRecord.DELETE) && record.outcome() == AuditRecord.Outcome.SUCCEEDED) {
            String who = who(record.caller(), record.clientIp());
            deletes.hit(who, now).ifPresent(count -> raise(new SecurityAlert(now, SecurityAlert.Kind.MASS_DELETE, record.caller(),
                    record.clientIp(), Optional.empty(), count + " files deleted by " + who + " within "
                    + settings.massDelete().window())));
        }
        if (record.action().equals(AuditRecord.UPLOAD)) {
            Set<String> keys = new LinkedHashSet<>();
            if (!record.caller().isAnonymous() && !record.caller().equals(AuditRecord.SYSTEM)) {
                keys.add("caller " + record.caller().subject());
            }
            record.clientIp().ifPresent(ip -> keys.add("IP " + ip));
            for (String key : keys) {
                uploads.hit(key, now).ifPresent(count -> raise(new SecurityAlert(now, SecurityAlert.Kind.UPLOAD_FLOOD,
                        record.caller(), record.clientIp(), Optional.empty(), count + " uploads by " + key + " within "
                        + settings.uploadFlood().window())));
            }
        }
    }

    /** An upload that was stored, for the size detector: {@code bytes} is the original file's size. */
    public void uploaded(Caller caller, Optional<String> clientIp, FileId fileId, long bytes) {
        sizes.uploaded(caller, clientIp, fileId, bytes);
    }

    /**
     * A request whose token was missing, malformed, expired or badly signed: for authentication to call. Counted per
     * client IP and, when the token named one, per subject.
     */
    public void authenticationFailed(Optional<String> clientIp, Optional<String> subject, String reason) {
        Instant now = clock.instant();
        Caller caller = subject.filter(s -> !s.isBlank()).map(s -> new Caller(s, s, Optional.empty(), Optional.empty()))
                .orElse(Caller.anonymous());
        Set<String> keys = new LinkedHashSet<>();
        clientIp.ifPresent(ip -> keys.add("IP " + ip));
        subject.filter(s -> !s.isBlank()).ifPresent(s -> keys.add("subject " + s));
        for (String key : keys) {
            authFailures.hit(key, now).ifPresent(count -> raise(new SecurityAlert(now, SecurityAlert.Kind.AUTHENTICATION_FAILURES,
                    caller, clientIp, Optional.empty(), count + " failed authentications from " + key + " within "
                    + settings.authenticationFailures().window() + "; the last: " + reason)));
        }
    }

    /**
     * A request authenticated with a token: for authentication to call. A token id first seen from one IP address and
     * then from another raises an alert (once per new address): a stolen token, or one handed on.
     */
    public void tokenUsed(Caller caller, String clientIp) {
        if (caller.tokenId().isEmpty()) {
            return;
        }
        String jti = caller.tokenId().get();
        Optional<String> firstSeen;
        synchronized (tokenAddresses) {
            Set<String> seen = tokenAddresses.computeIfAbsent(jti, id -> new LinkedHashSet<>());
            if (seen.contains(clientIp)) {
                return;
            }
            firstSeen = seen.stream().findFirst();
            if (seen.size() < MAX_IPS_PER_TOKEN) {
                seen.add(clientIp);
            }
        }
        firstSeen.ifPresent(first -> raise(new SecurityAlert(clock.instant(), SecurityAlert.Kind.TOKEN_REUSE, caller,
                Optional.of(clientIp), Optional.empty(), "token " + jti + " of " + caller.subject() + ", first used from "
                + first + ", is now used from " + clientIp)));
    }

    /** The last alerts raised here, the newest first (a few, in memory). */
    public java.util.List<SecurityAlert> recent() {
        synchronized (recent) {
            return java.util.List.copyOf(recent);
        }
    }

    /** Alerts raised since start, by kind's wire name. */
    public Map<String, Long> counts() {
        Map<String, Long> result = new LinkedHashMap<>();
        counts.forEach((kind, count) -> result.put(kind.wireName(), count.sum()));
        return result;
    }

    @Override
    public void close() {
        file.ifPresent(channel -> {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing the alerts file failed: {}", e.getMessage());
            }
        });
    }

    private static String who(Caller caller, Optional<String> clientIp) {
        if (caller.isAnonymous()) {
            return clientIp.map(ip -> "IP " + ip).orElse("an anonymous caller");
        }
        return "caller " + caller.subject();
    }

    /** Events per key in a sliding window; fires when a key reaches the count, then counts afresh. */
    private static final class Window {
        private static final int SWEEP_EVERY = 1024;

        private final AlertSettings.Threshold threshold;
        private final Map<String, ArrayDeque<Instant>> events = new ConcurrentHashMap<>();
        private final AtomicLong hits = new AtomicLong();

        Window(AlertSettings.Threshold threshold) {
            this.threshold = threshold;
        }

        Optional<Integer> hit(String key, Instant now) {
            if (hits.incrementAndGet() % SWEEP_EVERY == 0) {
                sweep(now);
            }
            ArrayDeque<Instant> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (times) {
                Instant oldest = now.minus(threshold.window());
                while (!times.isEmpty() && times.peekFirst().isBefore(oldest)) {
                    times.pollFirst();
                }
                times.addLast(now);
                if (times.size() >= threshold.count()) {
                    int count = times.size();
                    times.clear();
                    return Optional.of(count);
                }
                return Optional.empty();
            }
        }

        private void sweep(Instant now) {
            Instant oldest = now.minus(threshold.window());
            events.entrySet().removeIf(entry -> {
                synchronized (entry.getValue()) {
                    return entry.getValue().isEmpty() || entry.getValue().peekLast().isBefore(oldest);
                }
            });
        }
    }
}
