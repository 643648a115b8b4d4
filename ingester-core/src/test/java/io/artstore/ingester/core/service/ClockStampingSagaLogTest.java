package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.InMemoryClockSync;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.testing.InMemorySagaLog;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockStampingSagaLogTest {

    private final InMemorySagaLog delegate = new InMemorySagaLog();
    private final LocalClock clock = new LocalClock(NodeId.of("ingester-1"), new InMemoryClockSync(), ClockPruning.DEFAULT);
    private final ClockStampingSagaLog log = new ClockStampingSagaLog(delegate, clock);

    @Test
    void every_record_appended_carries_a_later_clock_than_the_one_before() {
        SagaId saga = SagaId.random();
        SagaRecords.saga(saga, "ingester-1", 3).forEach(log::append);

        List<SagaRecord> stored = delegate.load(saga);

        assertThat(stored).extracting(SagaRecord::clock).containsExactly(VectorClock.parse("ingester-1:1"),
                VectorClock.parse("ingester-1:2"), VectorClock.parse("ingester-1:3"));
        assertThat(log.load(saga)).isEqualTo(stored);
    }

    @Test
    void a_claim_keeps_the_clock_of_the_record_it_follows() {
        SagaId saga = SagaId.random();
        SagaRecords.saga(saga, "ingester-1", 2).forEach(log::append);

        boolean claimed = log.tryClaim(saga, "ingester-2", SagaRecords.T0.plus(SagaRecords.LEASE.multipliedBy(2)),
                SagaRecords.T0.plus(SagaRecords.LEASE.multipliedBy(3)));

        List<SagaRecord> stored = delegate.load(saga);
        assertThat(claimed).isTrue();
        assertThat(stored.get(2).kind()).isEqualTo(SagaRecord.Kind.LEASE_CLAIMED);
        assertThat(stored.get(2).clock()).isEqualTo(stored.get(1).clock());
    }
}
