package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token uses are counted on disk: a reopened store (a restart) grants no use twice, and forgets expired tokens. */
class FileTokenUsesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

    @TempDir
    Path folder;

    @Test
    void a_token_serves_its_uses_and_no_more_across_a_restart() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Instant expires = NOW.plusSeconds(600);
        FileTokenUses uses = FileTokenUses.open(folder, clock);
        assertThat(uses.tryUse("jti-1", 2, expires)).isTrue();

        FileTokenUses reopened = FileTokenUses.open(folder, clock);
        assertThat(reopened.tryUse("jti-1", 2, expires)).isTrue();
        assertThat(reopened.tryUse("jti-1", 2, expires)).isFalse();
        assertThat(FileTokenUses.open(folder, clock).tryUse("jti-1", 2, expires)).isFalse();
        assertThat(reopened.tryUse("jti-2", 1, expires)).as("each token has its own count").isTrue();
    }

    @Test
    void counts_of_expired_tokens_are_deleted_at_open() throws Exception {
        FileTokenUses.open(folder, Clock.fixed(NOW, ZoneOffset.UTC)).tryUse("old", 1, NOW.plusSeconds(60));
        FileTokenUses.open(folder, Clock.fixed(NOW, ZoneOffset.UTC)).tryUse("live", 1, NOW.plusSeconds(3600));
        FileTokenUses.open(folder, Clock.fixed(NOW.plusSeconds(120), ZoneOffset.UTC));
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.count()).isEqualTo(1);
        }
    }
}
