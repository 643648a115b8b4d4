package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CapacityReservations;
import io.artstore.ingester.core.port.out.CapacityReservations.Reservation;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.Tracing;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Chooses where a new file goes: a storage element of the requested mode (or the one named, if its mode
 * matches), healthy before degraded, lowest priority number first, whose free space less the space reserved
 * by uploads in flight holds the file, and reserves that space in the same step.
 */
public final class StorageElementSelector {

    /** Bytes reserved at a time when the file's size is unknown. */
    public static final long DEFAULT_GROWTH_STEP = 64L * 1024 * 1024;

    private final StorageElements elements;
    private final CapacityReservations reservations;
    private final long growthStep;
    private final Tracing tracing;

    public StorageElementSelector(StorageElements elements, CapacityReservations reservations, long growthStep) {
        this(elements, reservations, growthStep, Tracing.NONE);
    }

    /** @param tracing told, as events of the current span, of each element passed over for the next one */
    public StorageElementSelector(StorageElements elements, CapacityReservations reservations, long growthStep,
            Tracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.elements = Objects.requireNonNull(elements, "elements");
        this.reservations = Objects.requireNonNull(reservations, "reservations");
        if (growthStep <= 0) {
            throw new IllegalArgumentException("growthStep must be > 0");
        }
        this.growthStep = growthStep;
    }

    /**
     * @param storedSize how many bytes the stored file will take, if known
     * @throws IngestException 400 unknown element, 409 wrong mode, 503 none reachable, 507 none has room
     */
    public Placement place(Mode mode, Optional<StorageElementId> requested, OptionalLong storedSize) {
        return place(mode, requested, storedSize, storedSize.isPresent() ? storedSize.getAsLong() + " bytes" : "the file");
    }

    /**
     * @param storedSize how many bytes the stored file will take, if known
     * @param file what a 507 says has no room, e.g. "the file's 4097 bytes"
     * @throws IngestException 400 unknown element, 409 wrong mode, 503 none reachable, 507 none has room
     */
    public Placement place(Mode mode, Optional<StorageElementId> requested, OptionalLong storedSize, String file) {
        List<Candidate> candidates = candidates(mode, requested);
        if (candidates.isEmpty()) {
            throw new IngestException(Kind.UNAVAILABLE, "storage_unavailable",
                    requested.map(id -> "storage element " + id + " is not reachable now")
                            .orElse("no storage element of mode '" + mode.wireName() + "' is reachable now"));
        }
        for (Candidate candidate : candidates) {
            long available = candidate.descriptor().capacity().availableBytes();
            long wanted = storedSize.orElse(Math.min(growthStep, available - reservations.outstandingBytes(candidate.descriptor().id())));
            if (wanted <= 0) {
                failover(candidate.descriptor(), "no room");
                continue;
            }
            Optional<Reservation> reservation = reservations.tryReserve(candidate.descriptor().id(), wanted, available);
            if (reservation.isPresent()) {
                return new Placement(candidate.element(), candidate.descriptor(), reservation.get(), growthStep);
            }
            failover(candidate.descriptor(), "no room");
        }
        throw new IngestException(Kind.INSUFFICIENT_STORAGE, "insufficient_storage",
                requested.map(id -> "storage element " + id + " has no room for " + file)
                        .orElse("no storage element of mode '" + mode.wireName() + "' has room for " + file));
    }

    private List<Candidate> candidates(Mode mode, Optional<StorageElementId> requested) {
        List<StorageElement> pool;
        if (requested.isPresent()) {
            StorageElement named = elements.find(requested.get()).orElseThrow(() -> IngestException.invalid(
                    "unknown_storage_element", "no storage element has the id '" + requested.get() + "'"));
            pool = List.of(named);
        } else {
            pool = elements.all();
            if (pool.stream().noneMatch(element -> element.describe().mode() == mode)) {
                throw new IngestException(Kind.UNAVAILABLE, "no_storage_element",
                        "no storage element of mode '" + mode.wireName() + "' is configured");
            }
        }
        List<Candidate> usable = new ArrayList<>();
        for (StorageElement element : pool) {
            StorageElementDescriptor descriptor = element.describe();
            if (descriptor.mode() != mode) {
                if (requested.isPresent()) {
                    throw IngestException.conflict("wrong_mode", "storage element " + descriptor.id() + " is in mode '"
                            + descriptor.mode().wireName() + "', not '" + mode.wireName() + "'");
                }
                continue;
            }
            if (descriptor.health() != Health.UNAVAILABLE) {
                usable.add(new Candidate(element, descriptor));
            } else {
                failover(descriptor, "unavailable");
            }
        }
        usable.sort(Comparator.comparing((Candidate c) -> c.descriptor().health())
                .thenComparingInt(c -> c.descriptor().priority())
                .thenComparing(c -> c.descriptor().id().value()));
        return usable;
    }

    private void failover(StorageElementDescriptor passed, String reason) {
        tracing.event("failover", Map.of(Tracing.ELEMENT, passed.id().value(), "reason", reason));
    }

    private record Candidate(StorageElement element, StorageElementDescriptor descriptor) {}
}
