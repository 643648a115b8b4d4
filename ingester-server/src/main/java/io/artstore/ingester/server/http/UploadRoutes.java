package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.pipeline.Streams;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.core.port.in.AddFileUseCase;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.http.multipart.HeaderValue;
import io.artstore.ingester.server.http.multipart.MalformedMultipartException;
import io.artstore.ingester.server.http.multipart.MultipartParser;
import io.artstore.ingester.server.http.multipart.MultipartParser.Part;
import io.artstore.ingester.server.http.multipart.PartHeadersTooLargeException;
import io.artstore.ingester.server.metrics.Metrics;
import io.artstore.ingester.server.metrics.Operation;
import io.artstore.ingester.server.metrics.OperationMetrics;
import io.artstore.ingester.server.security.UploadAdmission;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code POST /api/v1/files/upload}: a multipart upload, read part by part as it arrives, or the file as the raw
 * body ({@code application/octet-stream}) with its fields in the query string or {@code X-ArtStore-*} headers.
 *
 * <p>When the fields that say where the file goes come before the file part (or in the query string), the
 * file's bytes stream straight to the storage element. When the file part comes first, as ArtStore clients send
 * it, it waits in a spool file on disk until the fields are read; the spool file is deleted in every outcome.
 */
public final class UploadRoutes {

    public static final String PATH = "/api/v1/files/upload";
    static final String FILE_PART = "file";
    /** A body of this type is the file itself, its fields in the query string or in headers. */
    static final String RAW_TYPE = "application/octet-stream";
    static final String RAW_HEADER_PREFIX = "X-ArtStore-";
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    /**
     * The most bytes of one part's headers. ArtStore names have up to 200 characters: up to 800 bytes in UTF-8,
     * 2,400 percent-encoded in {@code filename*}, 3,200 when a client sends both forms; this leaves twice that.
     */
    static final int MAX_PART_HEADER_BYTES = 8 * 1024;
    /** Room for boundaries, part headers and fields when a request is judged by its length alone. */
    private static final long MULTIPART_ALLOWANCE = 1024 * 1024;

    private final AddFileUseCase addFile;
    private final long maxFileBytes;
    private final CompressionSettings compression;
    private final Path spoolDir;
    private final boolean signByDefault;

    /** @param signByDefault whether uploads that do not say {@code sign} are signed */
    public UploadRoutes(AddFileUseCase addFile, long maxFileBytes, CompressionSettings compression, Path spoolDir,
            boolean signByDefault) {
        this.addFile = Objects.requireNonNull(addFile, "addFile");
        this.maxFileBytes = maxFileBytes;
        this.compression = Objects.requireNonNull(compression, "compression");
        this.spoolDir = Objects.requireNonNull(spoolDir, "spoolDir");
        this.signByDefault = signByDefault;
    }

    public void register(RoutesConfig routes) {
        routes.post(PATH, this::upload);
    }

    /** Deletes spool files a crash left behind; call before the server takes requests. */
    public static void clearSpool(Path spoolDir) {
        Spool.clear(spoolDir);
    }

    private void upload(Context ctx) {
        OperationLog log = OperationLog.start("upload");
        OperationMetrics.Sample metered = Metrics.of(ctx).operations().start(Operation.UPLOAD);
        try {
            AddedFile added = receive(ctx);
            Json.send(ctx, 201, FileJson.added(added));
            log.succeeded(added.entry().fileId().toString(), added.entry().elementId().value(), added.content().originalSize());
            metered.uploaded(added);
            Auditor.of(ctx).succeeded(ctx, AuditRecord.UPLOAD, added.entry().fileId(), Optional.of(added.entry().elementId()),
                    Optional.of("saga " + added.sagaId()));
            Auditor.of(ctx).alerts().uploaded(Callers.of(ctx), Optional.ofNullable(ctx.ip()), added.entry().fileId(),
                    added.content().originalSize());
        } catch (RuntimeException e) {
            log.failed(Optional.empty(), e);
            metered.failed(Optional.empty(), e);
            Auditor.of(ctx).failed(ctx, AuditRecord.UPLOAD, Optional.empty(), Optional.empty(), e);
            throw e;
        }
    }

    private AddedFile receive(Context ctx) {
        HttpServletRequest request = ctx.req();
        String contentType = Optional.ofNullable(request.getContentType()).orElse("");
        boolean raw = HeaderValue.parse(contentType).type().equals(RAW_TYPE);
        if (!raw && !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw IngestException.invalid("not_multipart", "send the upload as multipart/form-data with a 'file' part, or the"
                    + " file's bytes as " + RAW_TYPE + "; got " + (contentType.isEmpty() ? "no Content-Type" : "Content-Type '" + contentType + "'"));
        }
        UploadForm form = new UploadForm(compression, signByDefault);
        ctx.queryParamMap().forEach((name, values) -> values.forEach(value -> form.put(name, value)));
        if (raw) {
            return receiveRaw(ctx, form);
        }
        form.checkBeforeBody(maxFileBytes);
        long length = request.getContentLengthLong();
        if (length > maxFileBytes + MULTIPART_ALLOWANCE) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large", "the request has " + length
                    + " bytes, more than the maximum file size of " + maxFileBytes + " bytes");
        }
        String boundary = MultipartParser.boundaryOf(contentType).orElseThrow(() -> IngestException.invalid("malformed_multipart",
                "the Content-Type names no usable boundary (1 to " + MultipartParser.MAX_BOUNDARY_LENGTH
                        + " characters); send multipart/form-data; boundary=..."));
        OptionalLong sizeHint = length > 0 ? OptionalLong.of(length) : OptionalLong.empty();
        Spool spool = null;
        try {
            MultipartParser parts = new MultipartParser(request.getInputStream(), boundary, MAX_PART_HEADER_BYTES);
            FilePart file = null;
            AddedFile added = null;
            int count = 0;
            Optional<Part> next;
            while ((next = parts.next()).isPresent()) {
                Part part = next.get();
                count++;
                if (FILE_PART.equals(part.name())) {
                    if (file != null) {
                        throw IngestException.invalid("too_many_files", "send one 'file' part per upload");
                    }
                    file = FilePart.of(part);
                    if (form.targetMode().isPresent()) {
                        AddFileCommand command = form.command(file.name(), file.contentType(), sizeHint, OptionalLong.empty())
                                .fromAddress(ctx.ip());
                        added = addFile.add(UploadAdmission.admit(ctx, command),
                                UploadAdmission.limit(ctx, new LastPart(part.content(), parts)));
                    } else {
                        spool = Spool.write(spoolDir, part.content(), maxFileBytes, form.declaredSize());
                    }
                } else if (part.isFormField() && UploadForm.isField(part.name())) {
                    form.put(part.name(), readField(part));
                }
            }
            if (count == 0) {
                throw IngestException.invalid("malformed_multipart", "the body has no multipart parts; check that its"
                        + " boundary is the one named in the Content-Type header");
            }
            if (file == null) {
                throw IngestException.invalid("missing_file", "the upload has no part named 'file'; send the file's bytes in it");
            }
            if (added != null) {
                return added;
            }
            AddFileCommand command = form.command(file.name(), file.contentType(), OptionalLong.empty(),
                    spool.size() > 0 ? OptionalLong.of(spool.size()) : OptionalLong.empty()).fromAddress(ctx.ip());
            if (spool.size() == 0) {
                throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
            }
            try (InputStream content = spool.open()) {
                return addFile.add(UploadAdmission.admit(ctx, command), UploadAdmission.limit(ctx, content));
            }
        } catch (MalformedMultipartException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw interrupted(e);
        } finally {
            if (spool != null) {
                spool.close();
            }
        }
    }

    /**
     * The raw body is the file: no parsing, and every field is known before the first byte, so the bytes always
     * stream straight to the storage element.
     */
    private AddedFile receiveRaw(Context ctx, UploadForm form) {
        for (String field : UploadForm.FIELDS) {
            String value = ctx.header(headerOf(field));
            if (value != null) {
                form.put(field, value);
            }
        }
        form.checkBeforeBody(maxFileBytes);
        String name = rawFilename(ctx);
        StorageFileName.checkOriginal(name);
        HttpServletRequest request = ctx.req();
        long length = request.getContentLengthLong();
        if (length > maxFileBytes) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large", "the body has " + length
                    + " bytes, more than the maximum file size of " + maxFileBytes + " bytes");
        }
        if (length == 0) {
            throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
        }
        OptionalLong known = length > 0 ? OptionalLong.of(length) : OptionalLong.empty();
        AddFileCommand command = form.command(name, RAW_TYPE, known, known).fromAddress(ctx.ip());
        try (InputStream body = request.getInputStream()) {
            return addFile.add(UploadAdmission.admit(ctx, command), UploadAdmission.limit(ctx, body));
        } catch (IOException e) {
            throw interrupted(e);
        }
    }

    /** {@code target_mode} is sent as {@code X-ArtStore-Target-Mode}. */
    static String headerOf(String field) {
        StringBuilder header = new StringBuilder(RAW_HEADER_PREFIX);
        for (String word : field.split("_")) {
            header.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length()).append('-');
        }
        return header.substring(0, header.length() - 1);
    }

    /** The raw body's name: from {@code Content-Disposition} ({@code filename*} first) or the {@code filename} parameter. */
    private static String rawFilename(Context ctx) {
        Optional<String> fromHeader = Optional.ofNullable(ctx.header("Content-Disposition")).flatMap(value -> {
            try {
                return HeaderValue.parse(value).extendedParameter("filename");
            } catch (IllegalArgumentException e) {
                throw IngestException.invalid("invalid_filename", "the file name cannot be read: " + e.getMessage());
            }
        }).map(String::trim).filter(name -> !name.isEmpty());
        Optional<String> fromQuery = Optional.ofNullable(ctx.queryParam("filename")).map(String::trim).filter(name -> !name.isEmpty());
        if (fromHeader.isPresent() && fromQuery.isPresent() && !fromHeader.get().equals(fromQuery.get())) {
            throw IngestException.invalid("duplicate_field", "the file name was given twice with different values ('"
                    + fromHeader.get() + "' in Content-Disposition and '" + fromQuery.get() + "' as filename); send it once");
        }
        return fromHeader.or(() -> fromQuery).orElseThrow(() -> IngestException.invalid("missing_filename",
                "the upload has no file name; send it as Content-Disposition: attachment; filename*=UTF-8''... or as the"
                        + " filename query parameter"));
    }

    private static IngestException interrupted(IOException e) {
        return new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted",
                "the upload ended before the request was complete: " + e.getMessage(), e);
    }

    /** What the client is told when the parser gives up on the body. */
    private static IngestException refusal(MalformedMultipartException e) {
        if (e instanceof PartHeadersTooLargeException) {
            // The filename is the one part header that can grow this long.
            return IngestException.invalid("filename_too_long", "a part's headers are longer than "
                    + MAX_PART_HEADER_BYTES + " bytes, the most this server reads; shorten the file name (names of up"
                    + " to 200 characters always fit, even sent both as filename and filename*)");
        }
        return IngestException.invalid("malformed_multipart", "the multipart body cannot be read (" + e.getMessage()
                + "); send multipart/form-data with a boundary and complete parts");
    }

    private static String readField(Part part) throws IOException {
        try (InputStream in = part.content()) {
            byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
            if (bytes.length > MAX_FIELD_BYTES) {
                throw IngestException.invalid("field_too_large",
                        "field '" + part.name() + "' is longer than " + MAX_FIELD_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private record FilePart(String name, String contentType) {

        /** Checks the name before any byte of the file is read, so that a refusal spools and stores nothing. */
        static FilePart of(Part part) {
            String name;
            try {
                name = part.filename().map(String::trim).orElse("");
            } catch (IllegalArgumentException e) {
                throw IngestException.invalid("invalid_filename", "the file name cannot be read: " + e.getMessage());
            }
            if (name.isEmpty()) {
                throw IngestException.invalid("missing_filename",
                        "the 'file' part has no filename; send it with Content-Disposition: form-data; name=\"file\"; filename=\"...\"");
            }
            StorageFileName.checkOriginal(name);
            return new FilePart(name, part.contentType().orElse("application/octet-stream"));
        }
    }

    /**
     * The streaming file part. Before it reports its end, it reads what is left of the request, so that the
     * storage element commits the file only once the whole request was found valid: a control field after a
     * streamed file can no longer shape it, and is refused.
     */
    private static final class LastPart extends FilterInputStream {

        private final MultipartParser parts;
        private boolean checked;

        LastPart(InputStream file, MultipartParser parts) {
            super(file);
            this.parts = parts;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOneByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n < 0 && !checked) {
                    checked = true;
                    checkRest();
                }
                return n;
            } catch (MalformedMultipartException e) {
                // A broken body is the client's error, not a cut connection: say so, as before the file part.
                throw refusal(e);
            }
        }

        private void checkRest() throws IOException {
            Optional<Part> next;
            while ((next = parts.next()).isPresent()) {
                Part part = next.get();
                if (part.isFormField() && UploadForm.isField(part.name()) && !readField(part).isBlank()) {
                    throw IngestException.invalid("field_after_file", "field '" + part.name()
                            + "' came after the file part, which was already being stored; send the fields before the"
                            + " file part or in the query string (or send target_mode after the file part too)");
                }
                if (FILE_PART.equals(part.name())) {
                    throw IngestException.invalid("too_many_files", "send one 'file' part per upload");
                }
            }
        }
    }
}
