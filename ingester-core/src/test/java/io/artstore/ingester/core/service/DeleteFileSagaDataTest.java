package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.EventOutboxContract;
import io.artstore.ingester.core.saga.JsonText;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeleteFileSagaDataTest {

    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    @Test
    void theFilesAttributesSurviveTheSagaLogSoThatRecoveryPublishesThem() {
        DeleteFileSaga.Data data = new DeleteFileSaga.Data(FileId.random(), StorageElementId.of("edit-1"), Mode.EDIT, 42,
                CHECKSUM, java.util.Optional.of(EventOutboxContract.fullAttributes()));

        DeleteFileSaga.Data read = DeleteFileSaga.FORMAT.read(new HashMap<>(DeleteFileSaga.FORMAT.write(data)));

        assertThat(read.fileId()).isEqualTo(data.fileId());
        assertThat(read.checksum()).isEqualTo(CHECKSUM);
        // Compared as text: numbers in the metadata come back as the JSON reader's number type.
        assertThat(read.file()).hasValueSatisfying(file -> assertThat(JsonText.write(file.toFields()))
                .isEqualTo(JsonText.write(data.file().orElseThrow().toFields())));
        assertThat(read.file().orElseThrow().compression()).isEqualTo(data.file().orElseThrow().compression());
    }

    @Test
    void aSagaLoggedBeforeItsDataKeptTheAttributesIsReadWithout() {
        FileId file = FileId.random();
        Map<String, String> fields = Map.of("file_id", file.toString(), "element_id", "edit-1", "mode", "edit",
                "size", "42", "checksum", CHECKSUM.hex());

        DeleteFileSaga.Data read = DeleteFileSaga.FORMAT.read(fields);

        assertThat(read).isEqualTo(new DeleteFileSaga.Data(file, StorageElementId.of("edit-1"), Mode.EDIT, 42, CHECKSUM));
        assertThat(read.file()).isEmpty();
    }
}
