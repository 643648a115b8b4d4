package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageFileName;
import io.artstore.ingester.core.pipeline.Streams;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.core.port.in.AddFileUseCase;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.security.UploadAdmission;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadByteCountLimitException;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * {@code POST /api/v1/files/upload}: a multipart upload, read part by part as it arrives.
 *
 * <p>When the fields that say where the file goes come before the file part (or in the query string), the
 * file's bytes stream straight to the storage element. When the file part comes first, as ArtStore clients send
 * it, it waits in a spool file on disk until the fields are read; the spool file is deleted in every outcome.
 */
public final class UploadRoutes {

    public static final String PATH = "/api/v1/files/upload";
    static final String FILE_PART = "file";
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
        try {
            AddedFile added = receive(ctx);
            Json.send(ctx, 201, FileJson.added(added));
            log.succeeded(added.entry().fileId().toString(), added.entry().elementId().value(), added.content().originalSize());
        } catch (RuntimeException e) {
            log.failed(Optional.empty(), e);
            throw e;
        }
    }

    private AddedFile receive(Context ctx) {
        HttpServletRequest request = ctx.req();
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw IngestException.invalid("not_multipart", "send the upload as multipart/form-data with a 'file' part; got "
                    + Optional.ofNullable(request.getContentType()).map(type -> "Content-Type '" + type + "'").orElse("no Content-Type"));
        }
        UploadForm form = new UploadForm(compression, signByDefault);
        ctx.queryParamMap().forEach((name, values) -> values.forEach(value -> form.put(name, value)));
        form.checkBeforeBody(maxFileBytes);
        long length = request.getContentLengthLong();
        if (length > maxFileBytes + MULTIPART_ALLOWANCE) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large", "the request has " + length
                    + " bytes, more than the maximum file size of " + maxFileBytes + " bytes");
        }
        OptionalLong sizeHint = length > 0 ? OptionalLong.of(length) : OptionalLong.empty();
        Spool spool = null;
        try {
            FileItemInputIterator parts = parser().getItemIterator(request);
            FilePart file = null;
            AddedFile added = null;
            int count = 0;
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                count++;
                if (FILE_PART.equals(part.getFieldName())) {
                    if (file != null) {
                        throw IngestException.invalid("too_many_files", "send one 'file' part per upload");
                    }
                    file = FilePart.of(part);
                    if (form.targetMode().isPresent()) {
                        AddFileCommand command = form.command(file.name(), file.contentType(), sizeHint, OptionalLong.empty())
                                .fromAddress(ctx.ip());
                        added = addFile.add(UploadAdmission.admit(ctx, command),
                                UploadAdmission.limit(ctx, new LastPart(part.getInputStream(), parts)));
                    } else {
                        spool = Spool.write(spoolDir, part.getInputStream(), maxFileBytes, form.declaredSize());
                    }
                } else if (part.isFormField() && UploadForm.isField(part.getFieldName())) {
                    form.put(part.getFieldName(), readField(part));
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
        } catch (FileUploadException e) {
            throw refusal(e);
        } catch (IOException e) {
            throw new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted",
                    "the upload ended before the request was complete: " + e.getMessage(), e);
        } finally {
            if (spool != null) {
                spool.close();
            }
        }
    }

    private static JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> parser() {
        JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> parser = new JakartaServletFileUpload<>();
        parser.setHeaderCharset(StandardCharsets.UTF_8);
        parser.setMaxPartHeaderSize(MAX_PART_HEADER_BYTES);
        return parser;
    }

    /** What the client is told when the parser gives up on the body. */
    private static IngestException refusal(FileUploadException e) {
        if (e instanceof FileUploadSizeException size && !(e instanceof FileUploadByteCountLimitException)
                && size.getPermitted() == MAX_PART_HEADER_BYTES) {
            // The filename is the one part header that can grow this long.
            return IngestException.invalid("filename_too_long", "a part's headers are longer than "
                    + MAX_PART_HEADER_BYTES + " bytes, the most this server reads; shorten the file name (names of up"
                    + " to 200 characters always fit, even sent both as filename and filename*)");
        }
        return IngestException.invalid("malformed_multipart", "the multipart body cannot be read (" + e.getMessage()
                + "); send multipart/form-data with a boundary and complete parts");
    }

    private static String readField(FileItemInput part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
            if (bytes.length > MAX_FIELD_BYTES) {
                throw IngestException.invalid("field_too_large",
                        "field '" + part.getFieldName() + "' is longer than " + MAX_FIELD_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private record FilePart(String name, String contentType) {

        /** Checks the name before any byte of the file is read, so that a refusal spools and stores nothing. */
        static FilePart of(FileItemInput part) {
            String name = name(part);
            if (name == null || name.isBlank()) {
                throw IngestException.invalid("missing_filename",
                        "the 'file' part has no filename; send it with Content-Disposition: form-data; name=\"file\"; filename=\"...\"");
            }
            StorageFileName.checkOriginal(name);
            String type = part.getContentType();
            return new FilePart(name, type == null || type.isBlank() ? "application/octet-stream" : type);
        }

        private static String name(FileItemInput part) {
            try {
                return part.getName();
            } catch (InvalidPathException e) {
                // The parser refuses a NUL byte itself; the name check says so in the API's words.
                StorageFileName.checkOriginal(e.getInput());
                throw IngestException.invalid("invalid_filename", "the file name cannot be read: " + e.getReason());
            }
        }
    }

    /**
     * The streaming file part. Before it reports its end, it reads what is left of the request, so that the
     * storage element commits the file only once the whole request was found valid: a control field after a
     * streamed file can no longer shape it, and is refused.
     */
    private static final class LastPart extends FilterInputStream {

        private final FileItemInputIterator parts;
        private boolean checked;

        LastPart(InputStream file, FileItemInputIterator parts) {
            super(file);
            this.parts = parts;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOneByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0 && !checked) {
                checked = true;
                checkRest();
            }
            return n;
        }

        private void checkRest() throws IOException {
            try {
                while (parts.hasNext()) {
                    FileItemInput part = parts.next();
                    if (part.isFormField() && UploadForm.isField(part.getFieldName()) && !readField(part).isBlank()) {
                        throw IngestException.invalid("field_after_file", "field '" + part.getFieldName()
                                + "' came after the file part, which was already being stored; send the fields before the"
                                + " file part or in the query string (or send target_mode after the file part too)");
                    }
                    if (FILE_PART.equals(part.getFieldName())) {
                        throw IngestException.invalid("too_many_files", "send one 'file' part per upload");
                    }
                }
            } catch (FileUploadException e) {
                throw refusal(e);
            }
        }
    }
}
