package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.in.GetFileUseCase;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.server.audit.Auditor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/files/{id}/content}: streams a file's original bytes, decrypted, decompressed and checked
 * against its recorded SHA-256 on the way ({@link OriginalContent}). The status and {@code Content-Length} (the
 * original size) go out before the bytes; when the check fails mid-way, the connection is cut before the last byte,
 * so a client sees a body shorter than {@code Content-Length} (a read error), never a complete wrong file.
 */
public final class ContentRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ContentRoutes.class);
    private static final int BUFFER = 64 * 1024;

    private final GetFileUseCase getFile;
    private final StorageElements elements;
    private final OriginalContent content;

    public ContentRoutes(GetFileUseCase getFile, StorageElements elements, OriginalContent content) {
        this.getFile = Objects.requireNonNull(getFile, "getFile");
        this.elements = Objects.requireNonNull(elements, "elements");
        this.content = Objects.requireNonNull(content, "content");
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/files/{id}/content", this::content);
    }

    private void content(Context ctx) {
        Auditor auditor = Auditor.of(ctx);
        Optional<FileId> named = Optional.empty();
        FileLocation location;
        InputStream in;
        try {
            FileId fileId = fileId(ctx);
            named = Optional.of(fileId);
            location = getFile.find(fileId).orElseThrow(() -> IngestException.notFound("file_not_found", "no file has the id " + fileId));
            StorageElement element = elements.find(location.entry().elementId()).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE,
                    "storage_unavailable", "storage element " + location.entry().elementId() + " that holds file " + fileId
                            + " is not known now"));
            in = content.open(element, location.entry().attributes());
        } catch (RuntimeException e) {
            auditor.failed(ctx, AuditRecord.READ, named, Optional.empty(), e);
            throw e;
        }
        FileAttributes attributes = location.entry().attributes();
        ctx.status(200);
        ctx.res().setContentType(attributes.contentType());
        ctx.res().setContentLengthLong(attributes.content().originalSize());
        ctx.res().setHeader("Content-Disposition", "attachment; filename*=UTF-8''"
                + URLEncoder.encode(attributes.originalFilename(), StandardCharsets.UTF_8).replace("+", "%20"));
        ctx.res().setHeader("X-Checksum-SHA256", attributes.content().originalChecksum().hex());
        try (InputStream original = in) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = original.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
            out.flush();
            auditor.succeeded(ctx, AuditRecord.READ, attributes.fileId(), Optional.of(location.entry().elementId()), Optional.empty());
        } catch (IOException | RuntimeException e) {
            LOG.error("streaming file {} stopped: {}", attributes.fileId(), e.getMessage());
            auditor.failed(ctx, AuditRecord.READ, Optional.of(attributes.fileId()), Optional.of(location.entry().elementId()),
                    new IngestException(Kind.INTERNAL, "content_stream_failed", String.valueOf(e.getMessage()), e));
            // The status is out: cut the connection so that the client sees a short body rather than an error appended to it.
            ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(e);
        }
    }

    private static FileId fileId(Context ctx) {
        try {
            return FileId.parse(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_file_id", e.getMessage());
        }
    }
}
