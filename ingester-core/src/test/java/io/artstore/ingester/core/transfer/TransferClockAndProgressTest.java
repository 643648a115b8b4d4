package io.artstore.ingester.core.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.service.FileLocator;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class TransferClockAndProgressTest {

    private final TransferFixture fixture = new TransferFixture();

    @Test
    void the_begin_record_keeps_the_requests_clock() {
        SeededFile file = fixture.seed("clocked.pdf");
        VectorClock requestClock = VectorClock.parse("client-1:2,ingester-1:5");

        TransactionId id = fixture.coordinator().start(file.fileId(), Optional.empty(), requestClock);

        assertThat(((TransactionRecord.Begun) fixture.log.load(id).get(0)).clock()).isEqualTo(requestClock);
    }

    @Test
    void progress_follows_the_bytes_copied_while_the_copy_is_staged() {
        byte[] content = new byte[100_000];
        new Random(7).nextBytes(content);
        SeededFile file = fixture.seed("large.bin", content, false);
        List<Integer> seen = new ArrayList<>();
        TransferCoordinator[] coordinator = new TransferCoordinator[1];
        TransactionId[] id = new TransactionId[1];
        StagingObserver rw = new StagingObserver(fixture.rw, content.length / 2,
                half -> seen.add(coordinator[0].status(id[0]).progressPercent()));
        StorageElements elements = () -> List.<StorageElement>of(fixture.edit, rw);
        coordinator[0] = new TransferCoordinator(new FileLocator(fixture.catalog, elements), elements,
                new StorageElementSelector(elements, new FakeCapacityReservations(), StorageElementSelector.DEFAULT_GROWTH_STEP),
                fixture.catalog, fixture.events, fixture.log, fixture.locks, fixture.clock);

        id[0] = coordinator[0].start(file.fileId(), Optional.empty());
        int before = coordinator[0].status(id[0]).progressPercent();
        TransferStatus end = coordinator[0].run(id[0]);

        assertThat(before).isZero();
        // Half the bytes of the 30 points that staging stands for, after the source's 10.
        assertThat(seen).containsExactly(25);
        assertThat(end.state()).isEqualTo(TransferState.COMMITTED);
        assertThat(end.progressPercent()).isEqualTo(100);
    }

    @Test
    void progress_from_bytes_never_reaches_the_staged_mark_nor_goes_back() {
        SeededFile file = fixture.seed("status.pdf");
        TransactionId id = fixture.coordinator().start(file.fileId(), Optional.empty());
        fixture.log.append(new TransactionRecord.Voted(id, Participant.SOURCE, true, Optional.empty(), fixture.clock.instant()));
        TransferStatus preparing = TransferStatus.of(TransactionHistory.of(fixture.log.load(id)), Optional.empty());

        assertThat(preparing.progressPercent()).isEqualTo(10);
        assertThat(preparing.withCopiedBytes(0, 1000).progressPercent()).isEqualTo(10);
        assertThat(preparing.withCopiedBytes(500, 1000).progressPercent()).isEqualTo(25);
        assertThat(preparing.withCopiedBytes(1000, 1000).progressPercent()).isEqualTo(39);
        fixture.log.append(new TransactionRecord.StepCompleted(id, Step.TARGET_STAGED, fixture.clock.instant()));
        TransferStatus staged = TransferStatus.of(TransactionHistory.of(fixture.log.load(id)), Optional.empty());
        assertThat(staged.withCopiedBytes(10, 1000).progressPercent()).isEqualTo(staged.progressPercent()).isEqualTo(40);
    }

    /** Stages through the wrapped element, calling back once {@code after} bytes of the copy have been read. */
    private static final class StagingObserver implements StorageElement {

        private final StorageElement element;
        private final int after;
        private final IntConsumer callback;

        StagingObserver(StorageElement element, int after, IntConsumer callback) {
            this.element = element;
            this.after = after;
            this.callback = callback;
        }

        @Override
        public FileAttributes stage(StoreRequest request, InputStream content) {
            try {
                byte[] head = content.readNBytes(after);
                callback.accept(head.length);
                return element.stage(request, new SequenceInputStream(new ByteArrayInputStream(head), content));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public StorageElementId id() {
            return element.id();
        }

        @Override
        public StorageElementDescriptor describe() {
            return element.describe();
        }

        @Override
        public FileAttributes store(StoreRequest request, InputStream content) {
            return element.store(request, content);
        }

        @Override
        public Optional<FileAttributes> stat(FileId fileId) {
            return element.stat(fileId);
        }

        @Override
        public Optional<InputStream> open(FileId fileId) {
            return element.open(fileId);
        }

        @Override
        public boolean delete(FileId fileId) {
            return element.delete(fileId);
        }

        @Override
        public void writeSidecar(FileId fileId, String suffix, byte[] content) {
            element.writeSidecar(fileId, suffix, content);
        }

        @Override
        public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
            return element.readSidecar(fileId, suffix);
        }

        @Override
        public boolean deleteSidecar(FileId fileId, String suffix) {
            return element.deleteSidecar(fileId, suffix);
        }

        @Override
        public Optional<FileAttributes> staged(FileId fileId) {
            return element.staged(fileId);
        }

        @Override
        public void stageSidecar(FileId fileId, String suffix, byte[] content) {
            element.stageSidecar(fileId, suffix, content);
        }

        @Override
        public FileAttributes publishStaged(FileId fileId) {
            return element.publishStaged(fileId);
        }

        @Override
        public boolean discardStaged(FileId fileId) {
            return element.discardStaged(fileId);
        }
    }
}
