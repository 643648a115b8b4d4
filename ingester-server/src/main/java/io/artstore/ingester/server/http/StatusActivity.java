package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.saga.SagaListener;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What happened lately, for the status document and page: throughput and latency samples, the last sagas and
 * transfers with their steps, and the last security alerts.
 *
 * @param alerts the last alerts, the newest first
 * @param alertCounts alerts raised since start, by kind
 */
public record StatusActivity(ActivitySamples samples, RecentSagas sagas, RecentTransfers transfers,
        Supplier<List<SecurityAlert>> alerts, Supplier<Map<String, Long>> alertCounts) {

    /** How many alerts the section lists. */
    static final int ALERTS_SHOWN = 10;

    public StatusActivity {
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(sagas, "sagas");
        Objects.requireNonNull(transfers, "transfers");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(alertCounts, "alertCounts");
    }

    /** Nothing recorded yet and nothing to record from: an empty ring, no sagas, transfers or alerts. */
    public static StatusActivity none(Clock clock) {
        return new StatusActivity(ActivitySamples.standard(clock), new RecentSagas(SagaListener.NONE, List.of(), 1),
                RecentTransfers.none(), List::of, Map::of);
    }

    /**
     * Adds {@code samples}, {@code recent_sagas}, {@code recent_transfers} and {@code alerts} to the status document.
     * Alerts show their kind, time and file only: who and from where stay in the alerts file and the log, since the
     * document is public.
     */
    void addTo(ObjectNode status) {
        status.set("samples", samples.json());
        status.set("recent_sagas", sagas.json());
        status.set("recent_transfers", transfers.json());
        ObjectNode section = status.putObject("alerts");
        ObjectNode counts = section.putObject("since_start");
        long total = 0;
        for (Map.Entry<String, Long> count : alertCounts.get().entrySet()) {
            counts.put(count.getKey(), count.getValue());
            total += count.getValue();
        }
        section.put("total_since_start", total);
        ArrayNode recent = section.putArray("recent");
        alerts.get().stream().limit(ALERTS_SHOWN).forEach(alert -> recent.addObject()
                .put("time", alert.time().toString())
                .put("alert", alert.kind().wireName())
                .put("file_id", alert.fileId().map(Object::toString).orElse("")));
    }
}
