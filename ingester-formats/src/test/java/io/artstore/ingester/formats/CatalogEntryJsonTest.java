package io.artstore.ingester.formats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CatalogEntryJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An entry as both catalogues wrote it before this mapping moved here: its place, then attr.json's fields. */
    @Test
    void an_entry_written_by_earlier_releases_reads_and_writes_back_identically() throws IOException {
        String attributes = MAPPER.readTree(AttributesJsonTest.resource("attr.json")).toString();
        String written = "{\"element_id\":\"rw-2\",\"mode\":\"rw\",\"attributes\":" + attributes + "}";

        CatalogEntry entry = CatalogEntryJson.fromJson(MAPPER.readTree(written));

        assertThat(entry.elementId()).isEqualTo(StorageElementId.of("rw-2"));
        assertThat(entry.mode()).isEqualTo(Mode.RW);
        assertThat(entry.attributes().storagePath()).isEqualTo("2026/11/26/01");
        assertThat(CatalogEntryJson.toJson(entry).toString()).isEqualTo(written);
    }
}
