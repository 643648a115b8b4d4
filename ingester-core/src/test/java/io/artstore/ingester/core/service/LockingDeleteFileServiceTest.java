package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.transfer.TransferFixture;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import org.junit.jupiter.api.Test;

class LockingDeleteFileServiceTest {

    private final TransferFixture fixture = new TransferFixture();
    private final LockingDeleteFileService service = fixture.deleteService();

    @Test
    void deletes_under_the_lock_and_releases_it() {
        SeededFile file = fixture.seed("gone.pdf");

        service.delete(file.fileId());

        assertThat(fixture.edit.holds(file.fileId())).isFalse();
        assertThat(fixture.catalog.find(file.fileId())).isEmpty();
        assertThat(fixture.locks.held()).isEmpty();
    }

    @Test
    void releases_the_lock_when_the_delete_fails() {
        FileId unknown = FileId.random();

        assertThatThrownBy(() -> service.delete(unknown))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
        assertThat(fixture.locks.held()).isEmpty();
    }

    @Test
    void refuses_a_file_locked_by_another_operation_with_409_naming_it() {
        SeededFile file = fixture.seed("busy.pdf");
        Locks.Lock transfer = fixture.locks.tryLock(file.fileId(), Locks.Operation.TRANSFER, "a-transfer").orElseThrow();

        assertThatThrownBy(() -> service.delete(file.fileId()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("file_locked");
                })
                .hasMessageContaining("transfer");
        assertThat(fixture.edit.holds(file.fileId())).isTrue();
        assertThat(fixture.locks.holder(file.fileId())).hasValue(transfer);
    }
}
