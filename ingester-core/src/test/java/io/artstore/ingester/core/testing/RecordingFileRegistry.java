package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.DeletionReason;
import io.artstore.ingester.core.port.out.FileRegistration;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.Finalization;
import io.artstore.ingester.core.port.out.RegisteredFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Keeps every call in order, as the registry's outbox would deliver them. */
public final class RecordingFileRegistry implements FileRegistry {

    /** One call: {@code register}, {@code finalize} or {@code delete}, with what it carried. */
    public record Call(String kind, FileId fileId, Object payload) {}

    private final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized void register(FileRegistration registration) {
        calls.add(new Call("register", registration.fileId(), registration));
    }

    @Override
    public synchronized void markFinalized(FileId fileId, Finalization finalization) {
        calls.add(new Call("finalize", fileId, finalization));
    }

    @Override
    public synchronized void softDelete(FileId fileId, DeletionReason reason) {
        calls.add(new Call("delete", fileId, reason));
    }

    /** Records nothing: the steps under test only write to the registry. */
    @Override
    public Optional<RegisteredFile> find(FileId fileId) {
        return Optional.empty();
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<Call> calls(FileId fileId) {
        return calls.stream().filter(call -> call.fileId().equals(fileId)).toList();
    }
}
