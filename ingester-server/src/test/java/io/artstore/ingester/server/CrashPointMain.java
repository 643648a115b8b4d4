package io.artstore.ingester.server;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.server.testing.OnCommitDecision;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The server's {@code main} with one crash point wired in, for tests that kill the process there. Started as
 * {@code java -Dcrash.point=NAME -Dcrash.reached=FILE ... io.artstore.ingester.server.CrashPointMain --config ...}
 * with the packaged jar and the test classes on the class path. The thread that reaches the point writes
 * {@code FILE} and then waits for ever; the test waits for the file and kills the process, so the kill lands at
 * exactly that point. Points:
 * <ul>
 *   <li>{@code after-commit-decision}: a transfer has logged its commit decision, phase two has not begun;
 *   <li>{@code mid-copy}: a transfer's copy to the storage element {@code crash.element} has read (or, between
 *       local elements, copied) {@code crash.after_bytes} bytes of the source;
 *   <li>{@code after-publish}: a file was published on the storage element {@code crash.element} (an add saga's
 *       pivot), nothing after it has run.
 * </ul>
 */
public final class CrashPointMain {

    private CrashPointMain() {}

    public static void main(String[] args) throws InterruptedException {
        String point = required("crash.point");
        Path reached = Path.of(required("crash.reached"));
        IngesterServer.Decorators decorators = switch (point) {
            case "after-commit-decision" -> new IngesterServer.Decorators(log -> new OnCommitDecision(log,
                    decided -> halt(reached, "commit decision of " + decided.transactionId())), UnaryOperator.identity());
            case "mid-copy" -> {
                StorageElementId target = StorageElementId.of(required("crash.element"));
                long afterBytes = Long.parseLong(required("crash.after_bytes"));
                yield new IngesterServer.Decorators(UnaryOperator.identity(),
                        element -> element.id().equals(target) ? new HaltMidStage(element, afterBytes, reached) : element);
            }
            case "after-publish" -> {
                StorageElementId target = StorageElementId.of(required("crash.element"));
                yield new IngesterServer.Decorators(UnaryOperator.identity(),
                        element -> element.id().equals(target) ? new HaltMidStage(element, Long.MAX_VALUE, reached) {
                            @Override
                            public FileAttributes publishStaged(FileId fileId) {
                                FileAttributes published = super.publishStaged(fileId);
                                halt(reached, "file " + fileId + " published");
                                return published;
                            }
                        } : element);
            }
            default -> throw new IllegalArgumentException("unknown crash point " + point);
        };
        Main.run(args, decorators);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalArgumentException("the system property " + property + " is required");
        }
        return value;
    }

    /** Tells the test the point is reached, then holds this thread until the process is killed. */
    private static void halt(Path reached, String where) {
        try {
            Path written = Files.writeString(reached.resolveSibling(reached.getFileName() + ".part"), where,
                    StandardCharsets.UTF_8);
            Files.move(written, reached, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // A clean stop interrupts the workers; this point must hold until the kill all the same.
            }
        }
    }

    /** Stages through a stream that halts once it has handed on the given number of bytes. */
    private static class HaltMidStage implements StorageElement {
        private final StorageElement delegate;
        private final long afterBytes;
        private final Path reached;

        HaltMidStage(StorageElement delegate, long afterBytes, Path reached) {
            this.delegate = delegate;
            this.afterBytes = afterBytes;
            this.reached = reached;
        }

        @Override
        public FileAttributes stage(StoreRequest request, InputStream content) {
            return delegate.stage(request, new FilterInputStream(content) {
                private long read;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    if (read >= afterBytes) {
                        halt(reached, read + " bytes of " + request.fileId() + " staged");
                    }
                    int n = super.read(buffer, offset, (int) Math.min(length, afterBytes - read));
                    if (n > 0) {
                        read += n;
                    }
                    return n;
                }
            });
        }

        /** The copy between local elements, halted at the first step that reaches the given count. */
        @Override
        public Optional<FileAttributes> stageCopy(StoreRequest request, Path source, LongConsumer progress) {
            return delegate.stageCopy(request, source, copied -> {
                progress.accept(copied);
                if (copied >= afterBytes) {
                    halt(reached, copied + " bytes of " + request.fileId() + " copied");
                }
            });
        }

        @Override
        public Optional<Path> localFile(FileId fileId) {
            return delegate.localFile(fileId);
        }

        @Override
        public StorageElementId id() {
            return delegate.id();
        }

        @Override
        public StorageElementDescriptor describe() {
            return delegate.describe();
        }

        @Override
        public FileAttributes store(StoreRequest request, InputStream content) {
            return delegate.store(request, content);
        }

        @Override
        public Optional<FileAttributes> stat(FileId fileId) {
            return delegate.stat(fileId);
        }

        @Override
        public Optional<InputStream> open(FileId fileId) {
            return delegate.open(fileId);
        }

        @Override
        public boolean delete(FileId fileId) {
            return delegate.delete(fileId);
        }

        @Override
        public void writeSidecar(FileId fileId, String suffix, byte[] content) {
            delegate.writeSidecar(fileId, suffix, content);
        }

        @Override
        public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
            return delegate.readSidecar(fileId, suffix);
        }

        @Override
        public boolean deleteSidecar(FileId fileId, String suffix) {
            return delegate.deleteSidecar(fileId, suffix);
        }

        @Override
        public Optional<FileId> sidecarFileId(FileId fileId, String suffix) {
            return delegate.sidecarFileId(fileId, suffix);
        }

        @Override
        public Optional<FileAttributes> staged(FileId fileId) {
            return delegate.staged(fileId);
        }

        @Override
        public void stageSidecar(FileId fileId, String suffix, byte[] content) {
            delegate.stageSidecar(fileId, suffix, content);
        }

        @Override
        public FileAttributes publishStaged(FileId fileId) {
            return delegate.publishStaged(fileId);
        }

        @Override
        public boolean discardStaged(FileId fileId) {
            return delegate.discardStaged(fileId);
        }
    }
}
