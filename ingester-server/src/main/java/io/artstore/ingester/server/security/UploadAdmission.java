package io.artstore.ingester.server.security;

import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.server.http.Callers;
import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

/**
 * What only an upload's form says — mode, storage element, size — checked against the grant {@link AccessControl}
 * decided, before any byte is stored. It also makes the caller the file's uploader, so that {@code created_by_*}
 * and the stored file name carry the token's {@code name}.
 */
public final class UploadAdmission {

    private UploadAdmission() {
    }

    /** @throws AccessRefused when the token may not upload there, {@link IngestException} when the file is too large for it */
    public static AddFileCommand admit(Context ctx, AddFileCommand command) {
        Optional<Grant> grant = AccessControl.grant(ctx);
        Optional<StorageElementId> element = command.elementId();
        if (grant.isPresent()) {
            Grant g = grant.get();
            if (!g.reachesMode(command.targetMode())) {
                throw new AccessRefused("forbidden", "the token may not upload to " + command.targetMode().wireName()
                        + " storage elements");
            }
            if (g.elements().isPresent()) {
                Set<StorageElementId> allowed = g.elements().get();
                if (element.isEmpty() && allowed.size() == 1) {
                    element = Optional.of(allowed.iterator().next());
                } else if (element.isEmpty()) {
                    throw new AccessRefused("forbidden", "the token is limited to some storage elements; name one of them in"
                            + " storage_element_id");
                } else if (!allowed.contains(element.get())) {
                    throw new AccessRefused("forbidden", "the token may not upload to storage element " + element.get().value());
                }
            }
            // Refused before the saga starts when the size is known: declared, or bounded by the request's length.
            if (g.maxBytes().isPresent()) {
                long max = g.maxBytes().getAsLong();
                boolean declaredTooLarge = command.declaredSize().isPresent() && command.declaredSize().getAsLong() > max;
                boolean requestTooLarge = command.declaredSize().isEmpty() && command.sizeHint().isPresent()
                        && command.sizeHint().getAsLong() > max + ENVELOPE;
                if (declaredTooLarge || requestTooLarge) {
                    throw tooLarge(max);
                }
            }
        }
        return new AddFileCommand(command.targetMode(), element, command.originalFilename(), command.contentType(),
                Callers.of(ctx).asUploader(), command.description(), command.version(), command.metadata(), command.ttlDays(),
                command.compression(), command.declaredSize(), command.expectedChecksum(), command.sizeHint(), command.sign(),
                Optional.of(AccessControl.clientIp(ctx)).filter(ip -> !ip.isBlank())).withDeferred(command.deferred());
    }

    /** The file's bytes, cut off with 413 once they pass what the token allows. */
    public static InputStream limit(Context ctx, InputStream content) {
        Optional<Grant> grant = AccessControl.grant(ctx);
        if (grant.isEmpty() || grant.get().maxBytes().isEmpty()) {
            return content;
        }
        long max = grant.get().maxBytes().getAsLong();
        return new FilterInputStream(content) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) {
                count += n;
                if (count > max) {
                    throw tooLarge(max);
                }
            }
        };
    }

    /**
     * What a request's length may hold beside the file: boundaries, part headers and short fields. A request with
     * more declares {@code file_size}; one without a length (chunked) is cut off by {@link #limit} instead.
     */
    static final long ENVELOPE = 1024;

    private static IngestException tooLarge(long max) {
        return new IngestException(IngestException.Kind.TOO_LARGE, "token_size_exceeded", "the token allows files of at most "
                + max + " bytes (a request longer than that by more than " + ENVELOPE + " bytes must declare file_size)");
    }
}
