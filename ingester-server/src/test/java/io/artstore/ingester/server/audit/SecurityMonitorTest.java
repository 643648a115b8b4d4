package io.artstore.ingester.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.server.config.AlertSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SecurityMonitorTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final AlertSettings SETTINGS = new AlertSettings(new AlertSettings.Threshold(3, Duration.ofMinutes(1)),
            new AlertSettings.Threshold(4, Duration.ofMinutes(1)), new AlertSettings.Threshold(3, Duration.ofMinutes(1)));
    private static final Caller ALICE = new Caller("alice-id", "alice", Optional.of("sa_prod_app_0011aabb"), Optional.of("jti-1"));

    @TempDir
    Path folder;
    private SecurityMonitor monitor;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void open() {
        monitor = SecurityMonitor.open(SETTINGS, folder, Clock.fixed(T0, ZoneOffset.UTC));
        log.start();
        ((Logger) LoggerFactory.getLogger("io.artstore.ingester.security")).addAppender(log);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger("io.artstore.ingester.security")).detachAppender(log);
        monitor.close();
    }

    private static AuditRecord record(String action, Caller caller, String ip, Instant at) {
        return new AuditRecord(at, action, AuditRecord.Outcome.SUCCEEDED, caller, Optional.of(ip), Optional.empty(),
                Optional.of(FileId.random()), Optional.empty(), Optional.empty());
    }

    private List<String> alertLines() throws IOException {
        Path file = folder.resolve(SecurityMonitor.FILE_NAME);
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void mass_deletes_by_one_caller_within_the_window_raise_one_alert() throws IOException {
        monitor.observe(record(AuditRecord.DELETE, ALICE, "10.0.0.1", T0));
        monitor.observe(record(AuditRecord.DELETE, ALICE, "10.0.0.1", T0.plusSeconds(10)));
        monitor.observe(record(AuditRecord.UPLOAD, ALICE, "10.0.0.1", T0.plusSeconds(11)));
        assertThat(alertLines()).isEmpty();

        monitor.observe(record(AuditRecord.DELETE, ALICE, "10.0.0.2", T0.plusSeconds(20)));

        assertThat(alertLines()).hasSize(1);
        assertThat(new ObjectMapper().readTree(alertLines().get(0)).path("alert").asText()).isEqualTo("mass_delete");
        assertThat(new ObjectMapper().readTree(alertLines().get(0)).path("subject").asText()).isEqualTo("alice-id");
        assertThat(monitor.counts()).containsEntry("mass_delete", 1L);
        assertThat(log.list).hasSize(1);
        assertThat(log.list.get(0).getMarkerList()).contains(SecurityMonitor.MARKER);
        assertThat(log.list.get(0).getMarkerList().get(0).getName()).isEqualTo("SECURITY_ALERT");
    }

    @Test
    void deletes_spread_beyond_the_window_raise_nothing() throws IOException {
        for (int i = 0; i < 6; i++) {
            monitor.observe(record(AuditRecord.DELETE, ALICE, "10.0.0.1", T0.plusSeconds(40L * i)));
        }
        assertThat(alertLines()).isEmpty();
        assertThat(monitor.counts()).containsEntry("mass_delete", 0L);
    }

    @Test
    void an_upload_flood_from_one_ip_is_seen_even_for_anonymous_callers() throws IOException {
        for (int i = 0; i < 4; i++) {
            monitor.observe(record(AuditRecord.UPLOAD, Caller.anonymous(), "192.0.2.7", T0.plusSeconds(i)));
            monitor.observe(record(AuditRecord.UPLOAD, Caller.anonymous(), "192.0.2." + (100 + i), T0.plusSeconds(i)));
        }

        assertThat(alertLines()).hasSize(1);
        assertThat(alertLines().get(0)).contains("upload_flood").contains("IP 192.0.2.7");
    }

    @Test
    void authentication_failures_and_a_token_used_from_a_second_address_raise_alerts() throws IOException {
        for (int i = 0; i < 3; i++) {
            monitor.authenticationFailed(Optional.of("198.51.100.9"), Optional.empty(), "expired token");
        }
        monitor.tokenUsed(ALICE, "10.0.0.1");
        monitor.tokenUsed(ALICE, "10.0.0.1");
        assertThat(monitor.counts()).containsEntry("authentication_failures", 1L).containsEntry("token_reuse", 0L);

        monitor.tokenUsed(ALICE, "203.0.113.5");

        assertThat(monitor.counts()).containsEntry("token_reuse", 1L);
        assertThat(alertLines()).hasSize(2);
        assertThat(alertLines().get(1)).contains("token_reuse").contains("jti-1").contains("203.0.113.5").contains("10.0.0.1");
    }
}
