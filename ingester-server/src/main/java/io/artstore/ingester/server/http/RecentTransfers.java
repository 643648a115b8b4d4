package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transfers in flight (read from the transaction log when asked) and the last ones that ended here, with the
 * phases of their two-phase commit, for the status page. The ended ones are kept in memory and bounded. A prepare
 * that ended in an abort shows as {@code ended}: the state alone does not say whether a vote was no or timed out.
 */
public final class RecentTransfers {

    private static final Logger LOG = LoggerFactory.getLogger(RecentTransfers.class);

    private final Supplier<List<TransactionId>> unfinished;
    private final Function<TransactionId, TransferStatus> status;
    private final int capacity;
    private final Deque<TransferStatus> ended = new ArrayDeque<>();

    /**
     * @param unfinished the transactions the log holds unfinished
     * @param status the status of one transaction
     * @param capacity how many transfers the section lists at most
     */
    public RecentTransfers(Supplier<List<TransactionId>> unfinished, Function<TransactionId, TransferStatus> status, int capacity) {
        this.unfinished = Objects.requireNonNull(unfinished, "unfinished");
        this.status = Objects.requireNonNull(status, "status");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** No transfers at all. */
    public static RecentTransfers none() {
        return new RecentTransfers(List::of, id -> {
            throw new IllegalStateException("no transfers");
        }, 1);
    }

    /** A transfer that ended (committed, aborted or heuristic). */
    public synchronized void ended(TransferStatus transfer) {
        ended.removeIf(kept -> kept.transactionId().equals(transfer.transactionId()));
        ended.addFirst(transfer);
        while (ended.size() > capacity) {
            ended.removeLast();
        }
    }

    /** The {@code recent_transfers} section: the ones in flight first, then the last ended, each with its phases. */
    public ArrayNode json() {
        Map<TransactionId, TransferStatus> shown = new LinkedHashMap<>();
        for (TransactionId id : inFlight()) {
            if (shown.size() >= capacity) {
                break;
            }
            read(id).ifPresent(transfer -> shown.put(id, transfer));
        }
        List<TransferStatus> finished;
        synchronized (this) {
            finished = new ArrayList<>(ended);
        }
        for (TransferStatus transfer : finished) {
            if (shown.size() >= capacity) {
                break;
            }
            shown.putIfAbsent(transfer.transactionId(), transfer);
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (TransferStatus transfer : shown.values()) {
            ObjectNode item = list.addObject()
                    .put("transaction_id", transfer.transactionId().toString())
                    .put("file_id", transfer.fileId().toString())
                    .put("source", transfer.source().value())
                    .put("target", transfer.target().value())
                    .put("state", transfer.state().wireName())
                    .put("progress_percent", transfer.progressPercent())
                    .put("started_at", transfer.startedAt().toString())
                    .put("updated_at", transfer.updatedAt().toString())
                    .put("error", transfer.error().orElse(""));
            ArrayNode steps = item.putArray("steps");
            phases(transfer.state()).forEach((name, state) -> steps.addObject().put("name", name).put("state", state));
        }
        return list;
    }

    /**
     * The transfers in flight; none while the shared state cannot be read, since the status must answer during an
     * outage (the status's {@code shared_state} says why figures are missing).
     */
    private List<TransactionId> inFlight() {
        try {
            return unfinished.get();
        } catch (IngestException e) {
            if (e.kind() != IngestException.Kind.UNAVAILABLE) {
                throw e;
            }
            LOG.debug("transfers in flight not shown: {}", e.getMessage());
            return List.of();
        }
    }

    /** A transfer that ended between listing and reading is simply not shown. */
    private Optional<TransferStatus> read(TransactionId id) {
        try {
            return Optional.of(status.apply(id));
        } catch (RuntimeException e) {
            LOG.debug("transfer {} not shown: {}", id, e.getMessage());
            return Optional.empty();
        }
    }

    /** The three phases of the protocol and where each stands in the given state. */
    static Map<String, String> phases(TransferState state) {
        boolean committing = state == TransferState.COMMITTING;
        return switch (state) {
            case PREPARING -> phases("running", "pending", "pending");
            case PREPARED -> phases("succeeded", "running", "pending");
            case COMMITTING, ABORTING -> phases(committing ? "succeeded" : "ended", committing ? "commit" : "abort", "running");
            case COMMITTED -> phases("succeeded", "commit", "succeeded");
            case ABORTED -> phases("ended", "abort", "succeeded");
            case HEURISTIC -> phases("ended", "decided", "heuristic");
        };
    }

    private static Map<String, String> phases(String prepare, String decide, String finish) {
        Map<String, String> phases = new LinkedHashMap<>();
        phases.put("prepare", prepare);
        phases.put("decide", decide);
        phases.put("finish", finish);
        return phases;
    }
}
