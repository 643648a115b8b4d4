package io.artstore.ingester.server.observe;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import io.artstore.ingester.server.config.DetectionSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Raises an {@code unusual_upload_size} alert for an upload far larger or smaller than what its subject usually
 * sends: a subject's typical size is an exponentially weighted moving average of log2 of its upload sizes; once
 * {@link DetectionSettings#sizeMinHistory()} uploads are known, an upload more than {@link DetectionSettings#sizeFactor()}
 * times off raises the alert. The unusual upload still counts towards the history, so that a subject whose habits
 * change stops raising alerts. Anonymous uploads are not watched (they share no history).
 */
public final class UploadSizes {

    private static final int MAX_SUBJECTS = 100_000;

    private final DetectionSettings settings;
    private final SecurityAlerts alerts;
    private final Clock clock;
    private final Map<String, History> subjects = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, History> eldest) {
            return size() > MAX_SUBJECTS;
        }
    };

    public UploadSizes(DetectionSettings settings, SecurityAlerts alerts, Clock clock) {
        this.settings = settings;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** An upload that was stored: {@code bytes} is the original file's size. */
    public void uploaded(Caller caller, Optional<String> clientIp, FileId fileId, long bytes) {
        if (!settings.enabled() || caller.isAnonymous() || bytes <= 0) {
            return;
        }
        double log = Math.log(bytes) / Math.log(2);
        double typicalLog;
        long seen;
        synchronized (subjects) {
            History history = subjects.computeIfAbsent(caller.subject(), s -> new History());
            typicalLog = history.meanLog;
            seen = history.count;
            history.add(log, settings.ewmaAlpha());
        }
        if (seen < settings.sizeMinHistory()) {
            return;
        }
        double ratio = Math.pow(2, Math.abs(log - typicalLog));
        if (ratio <= settings.sizeFactor()) {
            return;
        }
        long typical = Math.round(Math.pow(2, typicalLog));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("bytes", String.valueOf(bytes));
        labels.put("typical_bytes", String.valueOf(typical));
        alerts.raise(new SecurityAlert(clock.instant(), SecurityAlert.Kind.UNUSUAL_UPLOAD_SIZE, caller, clientIp,
                Optional.of(fileId), "upload of " + bytes + " bytes by " + caller.subject() + " is "
                + String.format(Locale.ROOT, "%.0f", ratio) + " times " + (log > typicalLog ? "larger" : "smaller")
                + " than its typical " + typical + " bytes (" + seen + " uploads seen)", labels));
    }

    private static final class History {
        private double meanLog;
        private long count;

        void add(double log, double alpha) {
            meanLog = count == 0 ? log : alpha * log + (1 - alpha) * meanLog;
            count++;
        }
    }
}
