package io.artstore.ingester.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.StorageElement;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What must hold of a file after any failure of its add or delete: it is wholly there (data and
 * attributes, its signature when one was asked for, its catalogue entry, exactly one {@code FILE_ADDED})
 * or wholly absent (no data, no staged copy, no signature, no entry, every reservation released, and no
 * {@code FILE_ADDED} that was not retracted). Either way no lock is left on it.
 */
public record FileInvariant(List<StorageElement> elements, FileCatalog catalog,
        Function<FileId, List<FileEvent.Type>> eventsOf, LongSupplier outstandingReservations, Locks locks) {

    /** @return true when the file is there, false when it is absent */
    public boolean holdsFor(FileId fileId, boolean signed) {
        long holders = elements.stream().filter(element -> element.stat(fileId).isPresent()).count();
        assertThat(holders).as("storage elements holding file " + fileId).isLessThanOrEqualTo(1);
        assertThat(elements).as("staged copies of " + fileId).allSatisfy(element -> assertThat(element.staged(fileId)).isEmpty());
        assertThat(outstandingReservations.getAsLong()).as("reserved bytes").isZero();
        assertThat(locks.holder(fileId)).as("lock on " + fileId).isEmpty();
        List<FileEvent.Type> events = eventsOf.apply(fileId);
        if (holders == 1) {
            StorageElement holder = elements.stream().filter(element -> element.stat(fileId).isPresent()).findFirst().orElseThrow();
            assertThat(catalog.find(fileId)).as("catalogue entry of a stored file").isPresent();
            assertThat(holder.readSidecar(fileId, DetachedSignature.SIDECAR_SUFFIX)).as("signature of " + fileId)
                    .matches(signature -> signature.isPresent() == signed);
            assertThat(events).as("events of a stored file").containsExactly(FileEvent.Type.FILE_ADDED);
            return true;
        }
        assertThat(catalog.find(fileId)).as("catalogue entry of an absent file").isEmpty();
        assertThat(events).as("events of an absent file").isIn(List.of(), List.of(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_ADD_RETRACTED),
                List.of(FileEvent.Type.FILE_ADDED, FileEvent.Type.FILE_DELETED));
        return false;
    }
}
