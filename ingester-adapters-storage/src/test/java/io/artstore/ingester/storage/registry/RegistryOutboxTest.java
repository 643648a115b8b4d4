package io.artstore.ingester.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.artstore.ingester.storage.registry.RegistryOutbox.Entry;
import io.artstore.ingester.storage.registry.RegistryOutbox.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryOutboxTest {

    private static final Instant AT = Instant.parse("2026-12-07T02:00:00Z");

    @TempDir
    Path folder;

    @Test
    void reopening_gives_back_the_pending_and_failed_entries_in_order_and_keeps_the_sequence() {
        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            Entry first = outbox.append(Kind.REGISTER, "f-1", JsonNodeFactory.instance.objectNode().put("a", 1), AT);
            outbox.append(Kind.REGISTER, "f-2", JsonNodeFactory.instance.objectNode().put("b", 2), AT);
            Entry third = outbox.append(Kind.DELETE, "f-2", JsonNodeFactory.instance.textNode("gc_cleanup"), AT);
            outbox.markDone(first.seq());
            outbox.markFailed(third.seq(), "refused", AT);
        }
        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            assertThat(outbox.pending()).extracting(Entry::seq, Entry::fileId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, "f-2"));
            assertThat(outbox.pending().get(0).body().path("b").asInt()).isEqualTo(2);
            assertThat(outbox.failed()).singleElement().satisfies(failed -> {
                assertThat(failed.entry().kind()).isEqualTo(Kind.DELETE);
                assertThat(failed.error()).isEqualTo("refused");
            });
            assertThat(outbox.append(Kind.REGISTER, "f-3", JsonNodeFactory.instance.objectNode(), AT).seq()).isEqualTo(4);
        }
    }

    @Test
    void a_torn_last_frame_is_dropped_and_what_came_before_is_kept() throws Exception {
        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            outbox.append(Kind.REGISTER, "f-1", JsonNodeFactory.instance.objectNode(), AT);
        }
        Files.write(folder.resolve(RegistryOutbox.FILE_NAME), new byte[] {0, 0, 1, 0, 7, 7}, StandardOpenOption.APPEND);

        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            assertThat(outbox.pending()).extracting(Entry::fileId).containsExactly("f-1");
            outbox.append(Kind.REGISTER, "f-2", JsonNodeFactory.instance.objectNode(), AT);
        }
        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            assertThat(outbox.pending()).extracting(Entry::fileId).containsExactly("f-1", "f-2");
        }
    }

    @Test
    void delivered_entries_are_not_given_back_and_the_file_shrinks_once_nothing_is_pending() throws Exception {
        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            // About 600 KiB of records in all, more than twice the size above which an idle outbox is rewritten.
            for (int i = 0; i < 1_200; i++) {
                Entry entry = outbox.append(Kind.REGISTER, "f-" + i,
                        JsonNodeFactory.instance.objectNode().put("padding", "x".repeat(400)), AT);
                if (i % 2 == 1) {
                    outbox.markDone(entry.seq() - 1);
                    outbox.markDone(entry.seq());
                }
            }
            assertThat(outbox.pendingCount()).isZero();
        }
        assertThat(Files.size(folder.resolve(RegistryOutbox.FILE_NAME))).isLessThan(300_000);
        try (RegistryOutbox outbox = RegistryOutbox.open(folder)) {
            assertThat(outbox.pending()).isEmpty();
            assertThat(outbox.append(Kind.REGISTER, "next", JsonNodeFactory.instance.objectNode(), AT).seq()).isEqualTo(1_201);
        }
    }
}
