package io.artstore.ingester.core.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class UploadSessionCodecTest {

    private static final Instant NOW = Instant.ofEpochMilli(1_780_000_000_123L);

    @Test
    void every_field_survives_the_text_form() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("filename", "report \"final\"\n.pdf");
        metadata.put("metadata", "{\"a\":1}");
        UploadSession session = UploadSession.start(UploadId.random(), OptionalLong.of(42), metadata,
                        Concatenation.finalOf(List.of(UploadId.random())), new Caller("s", "n", Optional.of("c"), Optional.of("t")),
                        NOW, NOW.plusSeconds(60), new UploadReservation(42, Optional.of(StorageElementId.of("se-1"))))
                .withLock(UploadLock.free().takenBy("i/r", NOW.plusSeconds(3)).withReleaseRequested(), NOW)
                .withOffset(17, 1234.5, UploadLock.free().takenBy("i/r", NOW.plusSeconds(4)), NOW.plusMillis(5))
                .completed(FileId.random(), NOW.plusMillis(9), NOW.plusSeconds(99));

        assertThat(UploadSessionCodec.decode(UploadSessionCodec.encode(session))).isEqualTo(session);
    }

    @Test
    void a_deferred_length_and_a_failure_survive() {
        UploadSession session = UploadSession.start(UploadId.random(), OptionalLong.empty(), Map.of(), Concatenation.partial(),
                Caller.anonymous(), NOW, NOW, UploadReservation.none()).failed("no space", NOW, NOW.plusSeconds(9));

        UploadSession read = UploadSessionCodec.decode(UploadSessionCodec.encode(session));

        assertThat(read).isEqualTo(session);
        assertThat(read.isLengthDeferred()).isTrue();
    }

    @Test
    void text_of_another_shape_is_refused() {
        assertThatThrownBy(() -> UploadSessionCodec.decode("{\"v\":1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UploadSessionCodec.decode("{\"v\":9}")).hasMessageContaining("version 9");
        assertThatThrownBy(() -> UploadSessionCodec.decode("[]")).isInstanceOf(IllegalArgumentException.class);
    }
}
