package io.artstore.ingester.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import org.junit.jupiter.api.Test;

class OutboxAdmissionTest {

    @Test
    void theOperationsThatPublishFileEventsAreTheOnesAFullOutboxRefuses() {
        assertThat(OutboxAdmission.publishesEvents(HandlerType.POST, "/api/v1/files/upload")).isTrue();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.POST, "/api/v1/uploads")).isTrue();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.DELETE, "/api/v1/files/abc")).isTrue();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.POST, "/api/v1/files/abc/transfer")).isTrue();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.POST, "/api/v1/finalize/abc")).isTrue();

        assertThat(OutboxAdmission.publishesEvents(HandlerType.GET, "/api/v1/files/abc")).isFalse();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.GET, "/api/v1/finalize/tx/status")).isFalse();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.PATCH, "/api/v1/uploads/abc")).isFalse();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.POST, "/api/v1/tokens")).isFalse();
        assertThat(OutboxAdmission.publishesEvents(HandlerType.DELETE, "/api/v1/admin/blocks/ip/1.2.3.4")).isFalse();
    }
}
