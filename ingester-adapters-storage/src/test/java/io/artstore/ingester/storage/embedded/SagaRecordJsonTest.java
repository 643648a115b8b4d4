package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SagaRecordJsonTest {

    @Test
    void a_stamped_record_keeps_its_vector_clock() {
        SagaRecord stamped = SagaRecords.record(SagaId.random(), 0, SagaRecord.Kind.SAGA_STARTED, "ingester-1", SagaRecords.T0)
                .withClock(VectorClock.parse("ingester-1:4,ingester-2:1"));

        byte[] body = SagaRecordJson.write(stamped);

        assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"vector_clock\":\"ingester-1:4,ingester-2:1\"");
        assertThat(SagaRecordJson.read(body)).isEqualTo(stamped);
    }

    @Test
    void a_record_without_a_clock_is_written_as_before_and_reads_with_an_empty_one() {
        SagaRecord plain = SagaRecords.record(SagaId.random(), 1, SagaRecord.Kind.STEP_STARTED, "ingester-1", SagaRecords.T0);

        byte[] body = SagaRecordJson.write(plain);

        assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("vector_clock");
        assertThat(SagaRecordJson.read(body).clock()).isEqualTo(VectorClock.empty());
        assertThat(SagaRecordJson.read(body)).isEqualTo(plain);
    }

    @Test
    void a_counter_beyond_the_range_stored_by_an_earlier_version_reads_as_the_largest_counter() {
        SagaRecord stamped = SagaRecords.record(SagaId.random(), 0, SagaRecord.Kind.SAGA_STARTED, "ingester-1", SagaRecords.T0)
                .withClock(VectorClock.parse("ingester-1:4,ingester-2:1"));
        byte[] body = new String(SagaRecordJson.write(stamped), StandardCharsets.UTF_8)
                .replace("ingester-1:4", "ingester-1:9223372036854775807").getBytes(StandardCharsets.UTF_8);

        SagaRecord read = SagaRecordJson.read(body);

        assertThat(read.clock().toText()).isEqualTo("ingester-1:9007199254740992,ingester-2:1");
    }
}
