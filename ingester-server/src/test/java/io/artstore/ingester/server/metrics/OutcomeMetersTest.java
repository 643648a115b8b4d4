package io.artstore.ingester.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaListener;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.StepFailure;
import io.artstore.ingester.server.audit.SecurityMonitor;
import io.artstore.ingester.server.config.MetricsSettings;
import io.artstore.ingester.server.transfer.TransferCounts;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The outcomes no server test can bring about on demand — a heuristic transfer, a parked saga, a failed compensation,
 * every kind of security alert — move their meters when they happen.
 */
class OutcomeMetersTest {

    private final Metrics metrics = Metrics.create(MetricsSettings.DEFAULTS, Clock.systemUTC());

    private PrometheusText scrape() {
        return PrometheusText.parse(metrics.scrape(null).orElseThrow().body());
    }

    @Test
    void heuristic_and_other_transfer_outcomes_are_read_from_the_runner_at_each_scrape() {
        AtomicReference<TransferCounts> counts = new AtomicReference<>(new TransferCounts(0, 0, 0, 0));
        InstanceMeters.transfers(metrics, counts::get);
        assertThat(scrape().sum("artstore_transfers_ended_total", Map.of("outcome", "heuristic"))).isZero();

        counts.set(new TransferCounts(2, 5, 1, 3));
        System.gc();
        PrometheusText text = scrape();

        assertThat(text.sum("artstore_transfers_in_flight", Map.of())).isEqualTo(2);
        assertThat(text.sum("artstore_transfers_ended_total", Map.of("outcome", "committed"))).isEqualTo(5);
        assertThat(text.sum("artstore_transfers_ended_total", Map.of("outcome", "aborted"))).isEqualTo(1);
        assertThat(text.sum("artstore_transfers_ended_total", Map.of("outcome", "heuristic"))).isEqualTo(3);
    }

    @Test
    void parked_sagas_and_failed_compensations_are_counted_by_type_and_passed_on() {
        List<SagaRecord.Kind> seen = new ArrayList<>();
        SagaListener next = new SagaListener() {
            @Override
            public void recorded(SagaRecord record) {
                seen.add(record.kind());
            }
        };
        SagaMetrics sagas = new SagaMetrics(next, metrics);
        SagaId id = SagaId.random();
        sagas.recorded(record(id, 0, SagaRecord.Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, Optional.empty()));
        sagas.recorded(record(id, 1, SagaRecord.Kind.STEP_FAILED, 1, 1, Optional.of(StepFailure.permanent("element gone"))));
        sagas.recorded(record(id, 2, SagaRecord.Kind.COMPENSATION_FAILED, 0, 1,
                Optional.of(StepFailure.transientFailure("element gone"))));
        sagas.recorded(record(id, 3, SagaRecord.Kind.SAGA_PARKED, SagaRecord.NO_STEP, 0,
                Optional.of(StepFailure.permanent("compensation keeps failing"))));
        sagas.recoveryFailed(id, new IllegalStateException("log unreadable"));

        PrometheusText text = scrape();

        Map<String, String> add = Map.of("type", "add-file");
        assertThat(text.sum("artstore_sagas_started_total", add)).isEqualTo(1);
        assertThat(text.sum("artstore_saga_step_failures_total", add)).isEqualTo(1);
        assertThat(text.sum("artstore_saga_compensations_total", Map.of("type", "add-file", "outcome", "failed"))).isEqualTo(1);
        assertThat(text.sum("artstore_sagas_ended_total", Map.of("type", "add-file", "outcome", "parked"))).isEqualTo(1);
        assertThat(text.sum("artstore_saga_recovery_failures_total", Map.of())).isEqualTo(1);
        assertThat(seen).containsExactly(SagaRecord.Kind.SAGA_STARTED, SagaRecord.Kind.STEP_FAILED,
                SagaRecord.Kind.COMPENSATION_FAILED, SagaRecord.Kind.SAGA_PARKED);
    }

    @Test
    void every_kind_of_security_alert_has_its_series_and_moves_when_raised() {
        SecurityMonitor monitor = SecurityMonitor.none();
        InstanceMeters.alerts(metrics, monitor);
        for (SecurityAlert.Kind kind : SecurityAlert.Kind.values()) {
            assertThat(scrape().matching("artstore_security_alerts_total", Map.of("kind", kind.wireName()))).hasSize(1);
        }

        monitor.raise(new SecurityAlert(Instant.now(), SecurityAlert.Kind.SUSPICIOUS_CONTENT, Caller.anonymous(),
                Optional.of("192.0.2.7"), Optional.empty(), "an ELF program named holiday.jpg"));

        PrometheusText text = scrape();
        assertThat(text.sum("artstore_security_alerts_total", Map.of("kind", "suspicious_content"))).isEqualTo(1);
        assertThat(text.sum("artstore_security_alerts_total", Map.of("kind", "mass_delete"))).isZero();
    }

    private static SagaRecord record(SagaId id, long sequence, SagaRecord.Kind kind, int step, int attempt,
            Optional<StepFailure> failure) {
        Instant now = Instant.now();
        return new SagaRecord(id, "add-file", sequence, kind, step, attempt, now, "ingester-test", now.plusSeconds(60),
                Map.of(), failure);
    }
}
