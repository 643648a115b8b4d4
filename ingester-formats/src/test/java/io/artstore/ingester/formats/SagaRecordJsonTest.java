package io.artstore.ingester.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void a_record_of_the_release_before_definition_versions_reads_as_version_1() {
        byte[] earlier = ("{\"saga_id\":\"add-1\",\"saga_type\":\"add-file\",\"sequence\":5,\"kind\":\"STEP_STARTED\",\"step\":2,"
                + "\"attempt\":1,\"at\":\"2026-11-25T10:00:00Z\",\"owner\":\"ingester-1\",\"lease_until\":\"2026-11-25T10:01:00Z\","
                + "\"data\":{\"file_id\":\"f-1\"}}").getBytes(StandardCharsets.UTF_8);

        SagaRecord read = SagaRecordJson.read(earlier);

        assertThat(read.definitionVersion()).isEqualTo(1);
        assertThat(read.step()).isEqualTo(2);
        assertThat(SagaRecordJson.write(read)).as("written back as it was").isEqualTo(earlier);
    }

    /** The bytes are the format: every field, in its order, escaped as JSON, data sorted by key. */
    @Test
    void every_field_is_written_in_its_order() {
        java.util.Map<String, String> data = new java.util.LinkedHashMap<>();
        data.put("zeta", "last \"quoted\" \u00e9");
        data.put("alpha", "first\nline");
        SagaRecord record = new SagaRecord(new SagaId("add-7"), "add-file", 3, 4, SagaRecord.Kind.STEP_FAILED, 2, 1,
                java.time.Instant.parse("2026-12-07T10:00:00.123456Z"), "ingester-1",
                java.time.Instant.parse("2026-12-07T10:01:00Z"), data,
                java.util.Optional.of(new io.artstore.ingester.core.saga.StepFailure(
                        io.artstore.ingester.core.saga.StepFailure.Type.TRANSIENT, "disk \\ gone")),
                VectorClock.parse("ingester-1:4"));

        byte[] body = SagaRecordJson.write(record);

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"saga_id\":\"add-7\",\"saga_type\":\"add-file\","
                + "\"definition_version\":3,\"sequence\":4,\"kind\":\"STEP_FAILED\",\"step\":2,\"attempt\":1,"
                + "\"at\":\"2026-12-07T10:00:00.123456Z\",\"owner\":\"ingester-1\",\"lease_until\":\"2026-12-07T10:01:00Z\","
                + "\"data\":{\"alpha\":\"first\\nline\",\"zeta\":\"last \\\"quoted\\\" \u00e9\"},"
                + "\"failure\":{\"type\":\"TRANSIENT\",\"message\":\"disk \\\\ gone\"},\"vector_clock\":\"ingester-1:4\"}");
        assertThat(SagaRecordJson.read(body)).isEqualTo(record);
    }

    @Test
    void a_later_definition_version_is_written_and_read_back() {
        SagaRecord plain = SagaRecords.record(SagaId.random(), 0, SagaRecord.Kind.SAGA_STARTED, "ingester-1", SagaRecords.T0);
        SagaRecord second = new SagaRecord(plain.sagaId(), plain.sagaType(), 2, plain.sequence(), plain.kind(), plain.step(),
                plain.attempt(), plain.at(), plain.owner(), plain.leaseUntil(), plain.data(), plain.failure(), plain.clock());

        byte[] body = SagaRecordJson.write(second);

        assertThat(new String(body, StandardCharsets.UTF_8)).contains("\"definition_version\":2");
        assertThat(SagaRecordJson.read(body)).isEqualTo(second);
        assertThat(new String(SagaRecordJson.write(plain), StandardCharsets.UTF_8)).doesNotContain("definition_version");
    }

    @Test
    void a_definition_version_that_is_no_whole_number_of_1_or_more_is_not_a_record() {
        String plain = new String(SagaRecordJson.write(SagaRecords.record(SagaId.random(), 0, SagaRecord.Kind.SAGA_STARTED,
                "ingester-1", SagaRecords.T0)), StandardCharsets.UTF_8);
        for (String version : List.of("0", "\"2\"", "2.5")) {
            byte[] body = plain.replace("\"saga_type\":\"add-file\",", "\"saga_type\":\"add-file\",\"definition_version\":" + version + ",")
                    .getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> SagaRecordJson.read(body)).as(version).isInstanceOf(IllegalArgumentException.class);
        }
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

    /** Saga records as the embedded log wrote them before this mapping moved here, one with the add saga's attributes. */
    @Test
    void records_written_by_earlier_releases_read_and_write_back_identically() throws IOException {
        for (String name : List.of("saga-started.json", "saga-failed.json")) {
            byte[] written = AttributesJsonTest.resource(name);

            assertThat(new String(SagaRecordJson.write(SagaRecordJson.read(written)), StandardCharsets.UTF_8))
                    .as(name).isEqualTo(new String(written, StandardCharsets.UTF_8));
        }
        SagaRecord started = SagaRecordJson.read(AttributesJsonTest.resource("saga-started.json"));
        assertThat(started.data().get("attributes")).isEqualTo("{\"file_id\":\"11111111-2222-4333-8444-555555555555\","
                + "\"original_filename\":\"отчёт \\\"Q1\\\".pdf\",\"metadata\":{\"project\":\"Ünïcode «x»\","
                + "\"tags\":[\"a\",\"b\"]},\"description\":null}");
        assertThat(started.clock()).isEqualTo(VectorClock.parse("ingester-1:4,ingester-2:1"));
        SagaRecord failed = SagaRecordJson.read(AttributesJsonTest.resource("saga-failed.json"));
        assertThat(failed.definitionVersion()).isEqualTo(2);
        assertThat(failed.failure()).hasValueSatisfying(f -> assertThat(f.message()).isEqualTo("element «edit-1» unreachable\n\"quoted\""));
    }
}
