package io.artstore.ingester.core.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClockParticipantsTest {

    private static final NodeId SELF = NodeId.of("edge-7");

    @Test
    void by_default_ingester_instances_and_artstore_modules_take_part() {
        ClockParticipants participants = ClockParticipants.byDefault(SELF);

        for (String id : List.of("edge-7", "ingester-0a1b2c3d4e5f", "ingester-2", "ingester-module", "admin-module",
                "admin-module-2", "query-module", "storage-element", "storage-element-se01")) {
            assertThat(participants.includes(NodeId.of(id))).as(id).isTrue();
        }
        for (String id : List.of("client-7", "ingester", "my-ingester-1", "admin", "storage-elements", "edge-8")) {
            assertThat(participants.includes(NodeId.of(id))).as(id).isFalse();
        }
    }

    @Test
    void a_configured_pattern_must_match_the_whole_id() {
        ClockParticipants participants = ClockParticipants.of(SELF, "edge-[0-9]+");

        assertThat(participants.retain(VectorClock.parse("edge-1:4,edge-1x:2,xedge-2:1,edge-7:9,ingester-a:1")).toText())
                .isEqualTo("edge-1:4,edge-7:9");
    }

    @Test
    void a_pattern_that_is_not_a_regular_expression_is_refused() {
        assertThatThrownBy(() -> ClockParticipants.of(SELF, "ingester-(")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a regular expression");
    }
}
