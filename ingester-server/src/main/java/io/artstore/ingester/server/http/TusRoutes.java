package io.artstore.ingester.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.core.port.in.AddFileUseCase;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.service.StorageElementSelector;
import io.artstore.ingester.core.upload.Concatenation;
import io.artstore.ingester.core.port.in.StagedBytes;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import io.artstore.ingester.core.upload.UploadState;
import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.config.CompressionSettings;
import io.artstore.ingester.server.security.AccessControl;
import io.artstore.ingester.server.security.Grant;
import io.artstore.ingester.server.security.Permission;
import io.artstore.ingester.server.security.UploadAdmission;
import io.artstore.ingester.server.upload.ChunkDigest;
import io.artstore.ingester.server.upload.ResumableUploads;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resumable uploads by the tus 1.0 protocol under {@code /api/v1/uploads} (core, creation, creation-with-upload,
 * creation-defer-length, termination, concatenation, checksum, expiration), and their progress as JSON and as
 * server-sent events. {@code Upload-Metadata} carries the multipart upload's fields, checked by the same rules
 * ({@link UploadForm}) when the upload is created; once every byte has arrived the add saga stores the file.
 */
public final class TusRoutes {

    public static final String PATH = "/api/v1/uploads";
    static final String VERSION = "1.0.0";
    private static final String FILES = "/api/v1/files";
    static final String EXTENSIONS = "creation,creation-with-upload,creation-defer-length,termination,concatenation,checksum,expiration";
    static final String CHECKSUM_ALGORITHMS = "sha256,sha1";
    static final String OFFSET_TYPE = "application/offset+octet-stream";
    /** Headers a browser's script may read from the answers (CORS). */
    static final String EXPOSED = "Location,Upload-Offset,Upload-Length,Upload-Defer-Length,Upload-Metadata,Upload-Concat,"
            + "Upload-Expires,Tus-Resumable,Tus-Version,Tus-Extension,Tus-Max-Size,Tus-Checksum-Algorithm,Link,X-ArtStore-File-Id";
    static final String ALLOWED_HEADERS = "Authorization,Content-Type,Content-Digest,Upload-Offset,Upload-Length,"
            + "Upload-Defer-Length,Upload-Metadata,Upload-Concat,Upload-Checksum,Tus-Resumable,X-HTTP-Method-Override,"
            + "X-Requested-With";
    private static final Set<String> OVERRIDABLE = Set.of("PATCH", "DELETE", "HEAD", "GET", "OPTIONS");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    private static final Pattern DIGEST_MEMBER = Pattern.compile("\\s*([a-z0-9\\-]+)\\s*=\\s*:([A-Za-z0-9+/=]*):\\s*");
    /** How often a progress stream re-reads its session for changes made on other instances (those here wake it). */
    private static final Duration REMOTE_EVENT_POLL = Duration.ofSeconds(1);
    private static final Duration EVENT_HEARTBEAT = Duration.ofSeconds(15);

    private final ResumableUploads uploads;
    private final AddFileUseCase addFile;
    private final StorageElementSelector selector;
    private final long maxFileBytes;
    private final CompressionSettings compression;
    private final boolean signByDefault;

    public TusRoutes(ResumableUploads uploads, AddFileUseCase addFile, StorageElementSelector selector, long maxFileBytes,
            CompressionSettings compression, boolean signByDefault) {
        this.uploads = Objects.requireNonNull(uploads, "uploads");
        this.addFile = Objects.requireNonNull(addFile, "addFile");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.maxFileBytes = maxFileBytes;
        this.compression = Objects.requireNonNull(compression, "compression");
        this.signByDefault = signByDefault;
    }

    /**
     * Stores a completed upload by the add saga, with the fields checked at its creation and its creator as uploader.
     * The saga is named after the file ({@code upload-<file id>}), so that how it ended can be read from the saga log.
     */
    public static ResumableUploads.Completion completion(AddFileUseCase addFile, CompressionSettings compression,
            boolean signByDefault, SagaLog sagaLog) {
        return new ResumableUploads.Completion() {
            @Override
            public FileId store(UploadSession session, InputStream content, FileId file) {
                return addFile.add(asOwner(session, compression, signByDefault), content, file, sagaOf(file)).entry().fileId();
            }

            @Override
            public FileId store(UploadSession session, StagedBytes content, FileId file) {
                return addFile.add(asOwner(session, compression, signByDefault), content, file, sagaOf(file)).entry().fileId();
            }

            @Override
            public Outcome outcome(FileId file) {
                List<SagaRecord> records = sagaLog.load(sagaOf(file));
                if (records.isEmpty()) {
                    return Outcome.NOT_STARTED;
                }
                return switch (SagaState.of(records)) {
                    case COMPLETED -> Outcome.STORED;
                    case COMPENSATED, FAILED_COMPENSATION -> Outcome.UNDONE;
                    case RUNNING, COMPENSATING -> Outcome.RUNNING;
                };
            }
        };
    }

    /** The add saga that stores an upload's file. */
    public static SagaId sagaOf(FileId file) {
        return new SagaId("upload-" + file);
    }

    private static AddFileCommand asOwner(UploadSession session, CompressionSettings compression, boolean signByDefault) {
        AddFileCommand command = command(session.metadata(), session.length(), compression, signByDefault);
        Caller owner = session.owner();
        return new AddFileCommand(command.targetMode(), command.elementId(), command.originalFilename(),
                command.contentType(), owner.asUploader(), command.description(), command.version(), command.metadata(),
                command.ttlDays(), command.compression(), command.declaredSize(), command.expectedChecksum(),
                command.sizeHint(), command.sign()).withDeferred(command.deferred());
    }

    /** Honours {@code X-HTTP-Method-Override} on a POST, for clients and proxies that send only GET and POST. */
    public static Filter methodOverride() {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                if (request instanceof HttpServletRequest http && "POST".equalsIgnoreCase(http.getMethod())) {
                    String override = http.getHeader("X-HTTP-Method-Override");
                    if (override != null && OVERRIDABLE.contains(override.trim().toUpperCase(Locale.ROOT))) {
                        String method = override.trim().toUpperCase(Locale.ROOT);
                        chain.doFilter(new HttpServletRequestWrapper(http) {
                            @Override
                            public String getMethod() {
                                return method;
                            }
                        }, response);
                        return;
                    }
                }
                chain.doFilter(request, response);
            }
        };
    }

    /** CORS for the upload API; register before access control, so that its refusals carry the headers too. */
    public void registerCors(RoutesConfig routes) {
        List<String> origins = uploads.settings().corsOrigins();
        if (origins.isEmpty()) {
            return;
        }
        routes.before(ctx -> {
            if (!ctx.path().startsWith(PATH)) {
                return;
            }
            String origin = ctx.header("Origin");
            if (origin == null || !(origins.contains("*") || origins.contains(origin))) {
                return;
            }
            ctx.header("Access-Control-Allow-Origin", origins.contains("*") ? "*" : origin);
            ctx.header("Vary", "Origin");
            ctx.header("Access-Control-Expose-Headers", EXPOSED);
            if (ctx.method().name().equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null) {
                ctx.header("Access-Control-Allow-Methods", "POST,GET,HEAD,PATCH,DELETE,OPTIONS");
                ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                ctx.header("Access-Control-Max-Age", "86400");
            }
        });
    }

    public void register(RoutesConfig routes) {
        routes.before(PATH, ctx -> ctx.header("Tus-Resumable", VERSION));
        routes.before(PATH + "/*", ctx -> ctx.header("Tus-Resumable", VERSION));
        routes.options(PATH, this::options);
        routes.options(PATH + "/{id}", this::options);
        routes.post(PATH, this::create);
        routes.head(PATH + "/{id}", this::head);
        routes.patch(PATH + "/{id}", this::patch);
        routes.delete(PATH + "/{id}", this::terminate);
        routes.get(PATH, this::list);
        routes.get(PATH + "/{id}", this::progress);
        routes.get(PATH + "/{id}/events", this::events);
    }

    private void options(Context ctx) {
        ctx.header("Tus-Version", VERSION);
        ctx.header("Tus-Extension", EXTENSIONS);
        ctx.header("Tus-Max-Size", Long.toString(uploads.maxBytes()));
        ctx.header("Tus-Checksum-Algorithm", CHECKSUM_ALGORITHMS);
        ctx.status(204);
    }

    // --- creation ---

    private void create(Context ctx) {
        requireTus(ctx);
        Concatenation concatenation = concatenation(ctx.header("Upload-Concat"));
        OptionalLong length = length(ctx, concatenation);
        Map<String, String> metadata = parseMetadata(ctx.header("Upload-Metadata"));
        UploadSession session;
        if (concatenation.isPartial()) {
            // A part is bytes only; the final upload carries the file's fields.
            checkGrantSize(ctx, length);
            session = uploads.create(new ResumableUploads.NewUpload(length, Map.of(), concatenation, Callers.of(ctx),
                    Optional.empty()));
        } else {
            Admitted admitted = admit(ctx, metadata, length);
            try {
                session = concatenation.isFinal()
                        ? uploads.createFinal(concatenation.parts(), admitted.metadata(), Callers.of(ctx), admitted.hold())
                        : uploads.create(new ResumableUploads.NewUpload(length, admitted.metadata(), concatenation,
                                Callers.of(ctx), admitted.hold()));
            } catch (RuntimeException e) {
                audited(ctx, e);
                throw e;
            }
        }
        ctx.header("Location", PATH + "/" + session.id());
        boolean withBody = !concatenation.isFinal() && OFFSET_TYPE.equalsIgnoreCase(mediaType(ctx))
                && ctx.req().getContentLengthLong() != 0;
        if (withBody) {
            session = receive(ctx, session.id(), 0);
        }
        uploadHeaders(ctx, session, withBody || concatenation.isFinal());
        ctx.status(201);
    }

    private record Admitted(Map<String, String> metadata, Optional<AutoCloseable> hold) {}

    /**
     * Checks the fields as the multipart upload does, and what the token allows; holds the space on an element
     * when the length is known, so that a file that cannot be stored is refused before its bytes are sent.
     */
    private Admitted admit(Context ctx, Map<String, String> raw, OptionalLong length) {
        if (length.isPresent() && length.getAsLong() == 0) {
            throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String filename = Optional.ofNullable(raw.get("filename")).or(() -> Optional.ofNullable(raw.get("name")))
                .map(String::trim).filter(name -> !name.isEmpty())
                .orElseThrow(() -> IngestException.invalid("missing_filename", "the upload has no file name; send it as"
                        + " 'filename' in Upload-Metadata"));
        fields.put("filename", filename);
        Optional.ofNullable(raw.get("filetype")).or(() -> Optional.ofNullable(raw.get("type")))
                .map(String::trim).filter(type -> !type.isEmpty()).ifPresent(type -> fields.put("filetype", type));
        for (String field : UploadForm.FIELDS) {
            String value = raw.get(field);
            if (value != null && !value.isBlank()) {
                fields.put(field, value);
            }
        }
        if (fields.containsKey("file_size") && length.isPresent() && !fields.get("file_size").trim().equals(Long.toString(length.getAsLong()))) {
            throw IngestException.invalid("conflicting_file_size", "file_size '" + fields.get("file_size")
                    + "' contradicts Upload-Length " + length.getAsLong() + "; send one of them");
        }
        fields.remove("file_size");
        AddFileCommand command = command(fields, length, compression, signByDefault);
        checkGrantSize(ctx, length);
        AddFileCommand admitted = UploadAdmission.admit(ctx, command);
        // A token limited to one element names it; the file goes there when stored.
        admitted.elementId().map(StorageElementId::value).ifPresent(element -> fields.put("storage_element_id", element));
        Optional<AutoCloseable> hold = length.isPresent()
                ? Optional.of(selector.place(admitted.targetMode(), admitted.elementId(), length, length.getAsLong() + " bytes"))
                : Optional.empty();
        return new Admitted(fields, hold);
    }

    private void checkGrantSize(Context ctx, OptionalLong length) {
        Optional<Grant> grant = AccessControl.grant(ctx);
        if (grant.isPresent() && grant.get().maxBytes().isPresent()) {
            long max = grant.get().maxBytes().getAsLong();
            if (length.isEmpty()) {
                throw IngestException.invalid("length_required", "the token allows files of at most " + max
                        + " bytes, so the upload must say its length: send Upload-Length instead of Upload-Defer-Length");
            }
            if (length.getAsLong() > max) {
                throw new IngestException(Kind.TOO_LARGE, "token_size_exceeded", "the token allows files of at most "
                        + max + " bytes; Upload-Length is " + length.getAsLong());
            }
        }
    }

    /** The command the checked fields make; the same rules and codes as the multipart upload's. */
    static AddFileCommand command(Map<String, String> fields, OptionalLong length, CompressionSettings compression,
            boolean signByDefault) {
        UploadForm form = new UploadForm(compression, signByDefault);
        for (String field : UploadForm.FIELDS) {
            String value = fields.get(field);
            if (value != null) {
                form.put(field, value);
            }
        }
        form.checkBeforeBody(Long.MAX_VALUE);
        return form.command(fields.get("filename"), fields.getOrDefault("filetype", "application/octet-stream"),
                OptionalLong.empty(), length);
    }

    private OptionalLong length(Context ctx, Concatenation concatenation) {
        String length = ctx.header("Upload-Length");
        String defer = ctx.header("Upload-Defer-Length");
        if (concatenation.isFinal()) {
            if (length != null || defer != null) {
                throw IngestException.invalid("invalid_upload_length", "a final upload's length is the sum of its parts;"
                        + " send neither Upload-Length nor Upload-Defer-Length");
            }
            return OptionalLong.empty();
        }
        if (length != null && defer != null) {
            throw IngestException.invalid("invalid_upload_length", "send Upload-Length or Upload-Defer-Length, not both");
        }
        if (defer != null) {
            if (!defer.trim().equals("1")) {
                throw IngestException.invalid("invalid_upload_defer_length", "Upload-Defer-Length must be 1");
            }
            return OptionalLong.empty();
        }
        if (length == null) {
            throw IngestException.invalid("missing_upload_length", "send Upload-Length (or Upload-Defer-Length: 1 when the"
                    + " length is not known yet)");
        }
        long value = nonNegative("Upload-Length", length);
        if (value > uploads.maxBytes()) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large", "Upload-Length " + value
                    + " is larger than the maximum of " + uploads.maxBytes() + " bytes (Tus-Max-Size)");
        }
        return OptionalLong.of(value);
    }

    private static Concatenation concatenation(String header) {
        if (header == null || header.isBlank()) {
            return Concatenation.none();
        }
        String value = header.trim();
        if (value.equals("partial")) {
            return Concatenation.partial();
        }
        if (!value.startsWith("final;")) {
            throw IngestException.invalid("invalid_upload_concat", "Upload-Concat must be 'partial' or 'final;' followed by"
                    + " the partial uploads' URLs");
        }
        List<UploadId> parts = new ArrayList<>();
        for (String url : value.substring("final;".length()).trim().split("\\s+")) {
            if (url.isEmpty()) {
                continue;
            }
            String id = url.substring(url.lastIndexOf('/') + 1);
            if (!UploadId.isValid(id) || !url.contains(PATH + "/")) {
                throw IngestException.invalid("invalid_upload_concat", "Upload-Concat names '" + abbreviate(url)
                        + "', which is not an upload URL of this server (" + PATH + "/<id>)");
            }
            parts.add(new UploadId(id));
        }
        if (parts.isEmpty()) {
            throw IngestException.invalid("invalid_upload_concat", "a final upload names at least one partial upload");
        }
        return Concatenation.finalOf(parts);
    }

    /** {@code key base64,key base64,...}; a key alone has an empty value. Values must be UTF-8 text. */
    static Map<String, String> parseMetadata(String header) {
        Map<String, String> values = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return values;
        }
        for (String pair : header.split(",")) {
            String trimmed = pair.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split(" ", -1);
            if (parts.length > 2 || !METADATA_KEY.matcher(parts[0]).matches()) {
                throw IngestException.invalid("invalid_upload_metadata", "Upload-Metadata must be pairs of a key and its"
                        + " base64 value, separated by commas; keys are letters, digits, '_', '-' or '.'");
            }
            String value = "";
            if (parts.length == 2) {
                try {
                    byte[] bytes = Base64.getDecoder().decode(parts[1].trim());
                    value = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                } catch (IllegalArgumentException | CharacterCodingException e) {
                    throw IngestException.invalid("invalid_upload_metadata", "the value of Upload-Metadata key '" + parts[0]
                            + "' is not base64 of UTF-8 text");
                }
            }
            if (values.put(parts[0], value) != null) {
                throw IngestException.invalid("invalid_upload_metadata", "Upload-Metadata has key '" + parts[0] + "' twice");
            }
        }
        return values;
    }

    // --- reading ---

    private void head(Context ctx) {
        requireTus(ctx);
        UploadSession session = uploads.head(id(ctx), Callers.of(ctx));
        uploadHeaders(ctx, session, true);
        ctx.header("Cache-Control", "no-store");
        ctx.status(200);
    }

    /** The tus headers of an upload, and a link to its file once stored. */
    private void uploadHeaders(Context ctx, UploadSession session, boolean withOffset) {
        boolean finalPending = session.concatenation().isFinal() && session.state() == UploadState.RECEIVING;
        if (withOffset && !finalPending) {
            ctx.header("Upload-Offset", Long.toString(session.offset()));
        }
        if (session.length().isPresent()) {
            ctx.header("Upload-Length", Long.toString(session.length().getAsLong()));
        } else if (!session.concatenation().isFinal()) {
            ctx.header("Upload-Defer-Length", "1");
        }
        if (!session.metadata().isEmpty()) {
            ctx.header("Upload-Metadata", encodeMetadata(session.metadata()));
        }
        if (session.concatenation().isPartial()) {
            ctx.header("Upload-Concat", "partial");
        } else if (session.concatenation().isFinal()) {
            StringBuilder parts = new StringBuilder("final;");
            session.concatenation().parts().forEach(part -> parts.append(PATH).append('/').append(part).append(' '));
            ctx.header("Upload-Concat", parts.toString().trim());
        }
        if (!session.state().isFinished()) {
            ctx.header("Upload-Expires", HTTP_DATE.format(session.expires()));
        }
        session.storedFile().ifPresent(file -> {
            ctx.header("X-ArtStore-File-Id", file.toString());
            ctx.header("Link", "<" + FILES + "/" + file + ">; rel=\"item\"");
            // A creation's Location is the upload's, as tus clients read it; PATCH and HEAD point at the file.
            if (!ctx.method().name().equals("POST")) {
                ctx.header("Location", FILES + "/" + file);
            }
        });
    }

    /** Base64 values only: whatever a client sent, nothing of it reaches a header as text. */
    private static String encodeMetadata(Map<String, String> metadata) {
        List<String> pairs = new ArrayList<>();
        metadata.forEach((key, value) -> pairs.add(key + " " + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return String.join(",", pairs);
    }

    private void progress(Context ctx) {
        Json.send(ctx, 200, json(uploads.find(id(ctx), Callers.of(ctx)), uploads.now()));
    }

    private void list(Context ctx) {
        Optional<Caller> caller = seesAll(ctx) ? Optional.empty() : Optional.of(Callers.of(ctx));
        Json.send(ctx, 200, section(uploads.list(caller), uploads.now()));
    }

    /** The uploads not finished, with their progress: {@code GET /api/v1/uploads} and the status's {@code uploads}. */
    public ObjectNode statusSection() {
        try {
            return section(uploads.list(Optional.empty()), uploads.now()).put("staging_reserved_bytes", uploads.stagingReservedBytes());
        } catch (RuntimeException e) {
            // The status must answer while the shared state cannot be read: say so in the section instead.
            return Json.object().put("in_flight", 0).put("error", e.getMessage()).set("uploads", Json.MAPPER.createArrayNode());
        }
    }

    private static ObjectNode section(List<UploadSession> sessions, Instant now) {
        ObjectNode json = Json.object();
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (UploadSession session : sessions) {
            if (!session.state().isFinished() && !session.concatenation().isPartial()
                    || session.concatenation().isPartial() && !session.isFullyReceived()) {
                list.add(json(session, now));
            }
        }
        json.put("in_flight", list.size());
        json.set("uploads", list);
        return json;
    }

    private static boolean seesAll(Context ctx) {
        return AccessControl.grant(ctx).map(grant -> grant.allows(Permission.ADMIN)).orElse(true);
    }

    static ObjectNode json(UploadSession session, Instant now) {
        ObjectNode json = Json.object();
        json.put("id", session.id().value());
        json.put("state", session.state().name().toLowerCase(Locale.ROOT));
        json.put("offset", session.offset());
        if (session.length().isPresent()) {
            json.put("length", session.length().getAsLong());
        } else {
            json.putNull("length");
        }
        double rate = session.lock().isHeld(now) ? session.bytesPerSecond() : 0;
        json.put("bytes_per_second", Math.round(rate));
        if (rate > 0 && session.length().isPresent()) {
            json.put("eta_seconds", Math.round((session.length().getAsLong() - session.offset()) / rate * 10) / 10.0);
        } else {
            json.putNull("eta_seconds");
        }
        json.put("concat", session.concatenation().kind().name().toLowerCase(Locale.ROOT));
        Optional.ofNullable(session.metadata().get("filename")).ifPresent(name -> json.put("filename", name));
        json.put("created", session.created().toString());
        json.put("updated", session.updated().toString());
        json.put("expires", session.expires().toString());
        session.storedFile().ifPresent(file -> json.put("file_id", file.toString()).put("file_url", FILES + "/" + file));
        session.failure().ifPresent(reason -> json.put("failure", reason));
        return json;
    }

    private void events(Context ctx) throws IOException {
        UploadId id = id(ctx);
        Caller caller = Callers.of(ctx);
        long seen = uploads.changes();
        UploadSession session = uploads.find(id, caller);
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-store");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        long sent = -1;
        Instant lastWrite = Instant.now();
        try {
            while (true) {
                if (session.revision() != sent) {
                    write(out, "progress", Json.MAPPER.writeValueAsString(json(session, uploads.now())));
                    sent = session.revision();
                    lastWrite = Instant.now();
                    if (session.state().isFinished()) {
                        return;
                    }
                } else if (Duration.between(lastWrite, Instant.now()).compareTo(EVENT_HEARTBEAT) >= 0) {
                    out.write(": still there\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastWrite = Instant.now();
                }
                Instant heartbeat = lastWrite.plus(EVENT_HEARTBEAT);
                Instant poll = Instant.now().plus(REMOTE_EVENT_POLL);
                uploads.awaitChange(seen, heartbeat.isBefore(poll) ? heartbeat : poll);
                seen = uploads.changes();
                try {
                    session = uploads.find(id, caller);
                } catch (IngestException gone) {
                    write(out, "gone", Json.MAPPER.writeValueAsString(Json.object().put("id", id.value())
                            .put("code", gone.code()).put("message", gone.getMessage())));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client closed the stream
        }
    }

    private static void write(OutputStream out, String event, String data) throws IOException, JsonProcessingException {
        out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    // --- receiving ---

    private void patch(Context ctx) throws IOException {
        requireTus(ctx);
        if (!OFFSET_TYPE.equalsIgnoreCase(mediaType(ctx))) {
            ErrorResponses.send(ctx, 415, "unsupported_media_type", "send the bytes as Content-Type: " + OFFSET_TYPE);
            return;
        }
        String offset = ctx.header("Upload-Offset");
        if (offset == null) {
            throw IngestException.invalid("missing_upload_offset", "send Upload-Offset: the offset the bytes start at");
        }
        long at = nonNegative("Upload-Offset", offset);
        if (ctx.req().getContentLengthLong() <= 0) {
            // tus-java-client ends its upload loop with an empty (chunked) PATCH at the final offset: answer as tusd
            // does. A completed upload refuses a body that is not empty anyway, so reading one byte of it costs nothing.
            UploadSession done = uploads.find(id(ctx), Callers.of(ctx));
            if (done.state() == UploadState.COMPLETED && done.offset() == at && ctx.req().getInputStream().read() < 0) {
                uploadHeaders(ctx, done, true);
                ctx.status(204);
                return;
            }
        }
        UploadSession session = receive(ctx, id(ctx), at);
        uploadHeaders(ctx, session, true);
        if (session.state() == UploadState.COMPLETED && accepts(ctx, "application/json")) {
            Json.send(ctx, 200, json(session, uploads.now()));
        } else {
            ctx.status(204);
        }
    }

    private UploadSession receive(Context ctx, UploadId id, long offset) {
        OptionalLong declared = Optional.ofNullable(ctx.header("Upload-Length"))
                .map(value -> OptionalLong.of(nonNegative("Upload-Length", value))).orElse(OptionalLong.empty());
        long contentLength = ctx.req().getContentLengthLong();
        List<ChunkDigest> digests = new ArrayList<>();
        uploadChecksum(ctx.header("Upload-Checksum")).ifPresent(digests::add);
        digests.addAll(contentDigests(ctx.header("Content-Digest")));
        ResumableUploads.Chunk chunk = new ResumableUploads.Chunk(offset, declared,
                contentLength >= 0 ? OptionalLong.of(contentLength) : OptionalLong.empty(), digests);
        try (InputStream body = ctx.req().getInputStream()) {
            UploadSession session = uploads.receive(id, Callers.of(ctx), chunk, body);
            session.storedFile().ifPresent(file -> Auditor.of(ctx).succeeded(ctx, AuditRecord.UPLOAD, file, Optional.empty(),
                    Optional.of("resumable upload " + id)));
            return session;
        } catch (IngestException e) {
            if (ChunkDigest.CHECKSUM_MISMATCH.equals(e.code())) {
                throw new ChecksumRefused(e);
            }
            if (e.kind() != Kind.CONFLICT && e.kind() != Kind.CLIENT_ABORTED) {
                audited(ctx, e);
            }
            throw e;
        } catch (IOException e) {
            throw new IngestException(Kind.CLIENT_ABORTED, "upload_interrupted", "the request ended early: " + e.getMessage(), e);
        }
    }

    private static void audited(Context ctx, RuntimeException e) {
        Auditor.of(ctx).failed(ctx, AuditRecord.UPLOAD, Optional.empty(), Optional.empty(), e);
    }

    /** 460, the status tus gives a chunk whose checksum does not match. */
    static final class ChecksumRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChecksumRefused(IngestException cause) {
            super(cause.getMessage(), cause);
        }
    }


    static Optional<ChunkDigest> uploadChecksum(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String[] parts = header.trim().split(" ");
        if (parts.length != 2) {
            throw IngestException.invalid("invalid_upload_checksum", "Upload-Checksum must be '<algorithm> <base64 digest>'");
        }
        String algorithm = switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "sha256" -> "SHA-256";
            case "sha1" -> "SHA-1";
            default -> throw IngestException.invalid("unsupported_checksum_algorithm", "Upload-Checksum algorithm '"
                    + abbreviate(parts[0]) + "' is not supported; use one of " + CHECKSUM_ALGORITHMS);
        };
        return Optional.of(new ChunkDigest("Upload-Checksum", algorithm, base64(parts[1], "Upload-Checksum")));
    }

    /** RFC 9530: every {@code sha-256} and {@code sha-512} member is checked; other algorithms are ignored. */
    static List<ChunkDigest> contentDigests(String header) {
        List<ChunkDigest> digests = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return digests;
        }
        for (String member : header.split(",")) {
            Matcher matcher = DIGEST_MEMBER.matcher(member);
            if (!matcher.matches()) {
                throw IngestException.invalid("invalid_content_digest", "Content-Digest must be a list of"
                        + " <algorithm>=:<base64>: members (RFC 9530), e.g. sha-256=:X48E9q...=:");
            }
            String algorithm = switch (matcher.group(1)) {
                case "sha-256" -> "SHA-256";
                case "sha-512" -> "SHA-512";
                default -> null;
            };
            if (algorithm != null) {
                digests.add(new ChunkDigest("Content-Digest", algorithm, base64(matcher.group(2), "Content-Digest")));
            }
        }
        return digests;
    }

    private static byte[] base64(String text, String header) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_" + header.toLowerCase(Locale.ROOT).replace('-', '_'),
                    header + " carries a digest that is not base64");
        }
    }

    // --- termination ---

    private void terminate(Context ctx) {
        requireTus(ctx);
        UploadId id = id(ctx);
        uploads.terminate(id, Callers.of(ctx));
        ctx.status(204);
    }

    // --- helpers ---

    private static void requireTus(Context ctx) {
        String version = ctx.header("Tus-Resumable");
        if (!VERSION.equals(version == null ? null : version.trim())) {
            ctx.header("Tus-Version", VERSION);
            throw new TusVersionRefused(version);
        }
    }

    /** 412, for a request without {@code Tus-Resumable: 1.0.0}. */
    static final class TusVersionRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TusVersionRefused(String version) {
            super(version == null ? "send Tus-Resumable: " + VERSION + " with every tus request"
                    : "Tus-Resumable '" + abbreviate(version) + "' is not supported; this server speaks " + VERSION);
        }
    }

    /** Registers the answers particular to tus (412, 460). */
    public static void registerTusErrors(RoutesConfig routes) {
        routes.exception(ChecksumRefused.class, (e, ctx) -> ErrorResponses.send(ctx, 460, ChunkDigest.CHECKSUM_MISMATCH, e.getMessage()));
        routes.exception(TusVersionRefused.class, (e, ctx) -> ErrorResponses.send(ctx, 412, "tus_version_unsupported", e.getMessage()));
    }

    private static UploadId id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!UploadId.isValid(id)) {
            throw new IngestException(Kind.NOT_FOUND, "upload_not_found", "no upload '" + abbreviate(id) + "'; upload ids"
                    + " are 32 hex digits, as in the Location of the upload's creation");
        }
        return new UploadId(id);
    }

    private static long nonNegative(String header, String value) {
        try {
            long number = Long.parseLong(value.trim());
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw IngestException.invalid("invalid_" + header.toLowerCase(Locale.ROOT).replace('-', '_'), header
                + " must be a whole number of bytes, 0 or more; got '" + abbreviate(value) + "'");
    }

    private static String mediaType(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null) {
            return "";
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
    }

    private static boolean accepts(Context ctx, String type) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(type);
    }

    /** A client's text, shortened and stripped of control characters, for a message. */
    private static String abbreviate(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 57) + "...";
    }
}
