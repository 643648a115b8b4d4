package io.artstore.ingester.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.clock.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @TempDir
    Path folder;

    @Test
    void a_generated_id_is_kept_and_found_again() {
        Path file = folder.resolve("data").resolve("node-id");

        NodeId first = NodeIdentity.resolve(Optional.empty(), file);
        NodeId again = NodeIdentity.resolve(Optional.empty(), file);

        assertThat(first.value()).matches("ingester-[0-9a-f]{12}");
        assertThat(again).isEqualTo(first);
        assertThat(file).exists();
    }

    @Test
    void a_configured_id_wins_and_is_not_written() {
        Path file = folder.resolve("node-id");

        assertThat(NodeIdentity.resolve(Optional.of(NodeId.of("ingester-a")), file)).isEqualTo(NodeId.of("ingester-a"));
        assertThat(file).doesNotExist();
    }

    @Test
    void a_damaged_file_is_refused_rather_than_replaced() throws IOException {
        Path file = Files.writeString(folder.resolve("node-id"), "not a node id!\n");

        assertThatThrownBy(() -> NodeIdentity.resolve(Optional.empty(), file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node id file").hasMessageContaining("remove it");
        assertThat(Files.readString(file)).isEqualTo("not a node id!\n");
    }
}
