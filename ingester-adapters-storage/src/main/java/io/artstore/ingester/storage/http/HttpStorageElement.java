package io.artstore.ingester.storage.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Capacity;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.port.out.TraceContext;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.storage.http.HttpStorageSettings.ServiceAccount;
import io.artstore.ingester.storage.http.HttpStorageSettings.StaticToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * An ArtStore storage element reached over its HTTP API (see {@code docs/http-storage-element.md}).
 *
 * <p>The SE's {@code metadata} is write-only (no answer carries it) and a PATCH replaces it whole, so this
 * adapter writes it once per file, complete, right after the upload, and never reads it back: what the
 * ingester must read back lives in its own catalogue. The SE has no staging either; a staged copy is an
 * uploaded copy that the caller's durable record calls staged, and no mark is left on the SE.
 *
 * <p>Every call runs through this element's retry, circuit breaker and bulkhead; only idempotent calls are
 * retried, and an upload only while none of its content was read. Thread-safe; one instance per element,
 * all sharing one {@link OkHttpClient}.
 */
public final class HttpStorageElement implements StorageElement {

    /** The circuit breaker's state, as reported by {@link #breakerState()}. */
    public enum BreakerState {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private static final System.Logger LOG = System.getLogger(HttpStorageElement.class.getName());
    private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
    private static final RequestBody EMPTY = RequestBody.create(new byte[0], null);
    private static final Pattern SIDECAR_SUFFIX = Pattern.compile("\\.[A-Za-z0-9][A-Za-z0-9_-]{0,15}(\\.[A-Za-z0-9_-]{1,16})?");

    private final HttpStorageSettings settings;
    private final OkHttpClient client;
    private final HttpUrl base;
    private final BearerTokens tokens;
    private final ElementPolicies policies;
    private final Clock clock;
    /** Copies this process staged and has not yet published, discarded or deleted: publishing needs no call. */
    private final Map<FileId, FileAttributes> uploaded = new ConcurrentHashMap<>();
    /** Sidecars this process began to stage beside a copy and has not yet published or discarded. */
    private final Set<FileId> stagingSidecars = ConcurrentHashMap.newKeySet();
    /** Held by the one caller that probes; {@link #refuseIfFull} takes it too, to write its finding in order. */
    private final ReentrantLock probeLock = new ReentrantLock();
    private final Tracing tracing;
    private volatile Probe lastProbe;
    /** The last failed TLS handshake; null once a call or probe got an answer again. */
    private volatile TlsFailure tlsFailure;

    /**
     * A TLS handshake with this element that failed, as operators and clients are told about it.
     *
     * @param reason {@code pin_mismatch}, {@code unknown_ca}, {@code certificate_expired}, {@code certificate_invalid},
     *     {@code hostname_mismatch}, {@code protocol_mismatch} or {@code handshake_failed}
     * @param message what failed, naming the element and its URL
     */
    public record TlsFailure(String reason, String message, Instant at) {

        /** The code of every TLS handshake failure, whatever its reason. */
        public static final String CODE = Codes.TLS_FAILED;

        public TlsFailure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(at, "at");
        }
    }

    /** The last TLS handshake with this element that failed, unless a call or probe got an answer since. */
    public Optional<TlsFailure> tlsFailure() {
        return Optional.ofNullable(tlsFailure);
    }

    /** What the SE said about itself at one moment. */
    private record Probe(boolean ready, Capacity capacity, Instant takenAt) {}

    /**
     * @param shared the client all elements share (one connection pool and dispatcher); this element derives
     *     its own copy with its TLS rules, pins and timeouts
     */
    public HttpStorageElement(HttpStorageSettings settings, OkHttpClient shared) {
        this(settings, shared, Clock.systemUTC());
    }

    /** @param tracing told of a span for each call, with its retries and circuit refusals; its context goes to the SE */
    public HttpStorageElement(HttpStorageSettings settings, OkHttpClient shared, Tracing tracing) {
        this(settings, shared, Clock.systemUTC(), tracing);
    }

    HttpStorageElement(HttpStorageSettings settings, OkHttpClient shared, Clock clock) {
        this(settings, shared, clock, Tracing.NONE);
    }

    HttpStorageElement(HttpStorageSettings settings, OkHttpClient shared, Clock clock, Tracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = ElementClients.derive(Objects.requireNonNull(shared, "shared"), settings);
        this.base = HttpUrl.get(settings.url().toString());
        if (settings.token() instanceof StaticToken token) {
            this.tokens = BearerTokens.of(token.value());
        } else {
            // The admin module is reached with this element's TLS settings (trust store, minimum version).
            this.tokens = new ServiceAccountTokens(client, (ServiceAccount) settings.token(), clock);
        }
        this.policies = new ElementPolicies(settings.id(), settings.resilience(), clock, tracing);
    }

    /** A client to share between elements: one connection pool with keep-alive, HTTP/2 where TLS offers it. */
    public static OkHttpClient newSharedClient() {
        return ElementClients.shared();
    }

    @Override
    public StorageElementId id() {
        return settings.id();
    }

    /** The circuit breaker's state now; read-only. */
    public BreakerState breakerState() {
        return switch (policies.state()) {
            case CLOSED -> BreakerState.CLOSED;
            case OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
        };
    }

    /** The circuit breaker's state and counts now; read-only, for status reports. */
    public BreakerStatus breakerStatus() {
        return policies.status(breakerState());
    }

    /**
     * The circuit breaker as operators see it.
     *
     * @param failureRate percentage of failures among the recorded calls, 0 to 100
     * @param failureCount failures among the last {@code failureWindow} calls (or trial calls while half-open)
     * @param remainingOpen how long an open circuit keeps refusing calls; zero otherwise
     * @param changedAt when the state last changed; empty while it has been closed from the start
     */
    public record BreakerStatus(BreakerState state, int failureRate, long failureCount, long successCount,
            int failureThreshold, int failureWindow, Duration remainingOpen, Optional<Instant> changedAt) {

        public BreakerStatus {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(remainingOpen, "remainingOpen");
            Objects.requireNonNull(changedAt, "changedAt");
        }
    }

    /**
     * Mode and priority as configured; health from the breaker and from {@code /health/ready} (the capacity
     * answer's own {@code health} is always "healthy" and is ignored); free space from {@code /api/v1/capacity}.
     * Both are probed at most once per {@link HttpStorageSettings#capacityCacheTtl()}; while one caller probes
     * again, the others are answered from the previous probe.
     */
    @Override
    public StorageElementDescriptor describe() {
        Health health;
        Capacity capacity;
        if (policies.refusingCalls()) {
            Probe last = lastProbe;
            health = Health.UNAVAILABLE;
            capacity = last == null ? Capacity.UNKNOWN : last.capacity();
        } else {
            Probe probe = probe();
            capacity = probe.capacity();
            if (!probe.ready()) {
                health = Health.UNAVAILABLE;
            } else {
                health = breakerState() == BreakerState.CLOSED ? Health.HEALTHY : Health.DEGRADED;
            }
        }
        return new StorageElementDescriptor(settings.id(), settings.mode(), settings.priority(), health, capacity,
                settings.url().toString());
    }

    /**
     * The cached probe while it is fresh. Once it is stale, one caller probes again and the others go on with the
     * last probe meanwhile: every upload describes the elements it may be placed on, and a probe takes two calls,
     * which under load can take seconds; holding every upload up behind it stalled them all every
     * {@link HttpStorageSettings#capacityCacheTtl()}. Only while nothing is known yet do callers wait for the probe.
     */
    private Probe probe() {
        Probe last = lastProbe;
        if (last != null && fresh(last)) {
            return last;
        }
        if (last == null) {
            probeLock.lock();
        } else if (!probeLock.tryLock()) {
            return last;
        }
        try {
            last = lastProbe;
            if (last != null && fresh(last)) {
                return last;
            }
            boolean ready = ready();
            Optional<Probe> previous = Optional.ofNullable(last);
            Optional<Capacity> capacity = capacity().or(() -> previous.map(Probe::capacity));
            // Free space never known is as bad as not ready: selection must not place files blindly.
            Probe probe = new Probe(ready && capacity.isPresent(), capacity.orElse(Capacity.UNKNOWN), clock.instant());
            lastProbe = probe;
            return probe;
        } finally {
            probeLock.unlock();
        }
    }

    private boolean fresh(Probe probe) {
        return clock.instant().isBefore(probe.takenAt().plus(settings.capacityCacheTtl()));
    }

    private boolean ready() {
        Request request = new Request.Builder().url(url("health/ready")).get().build();
        try (Response response = client.newCall(request).execute()) {
            tlsFailure = null;
            return response.code() == 200;
        } catch (IOException e) {
            noteTlsFailure(e);
            LOG.log(Level.DEBUG, "storage element {0}: readiness probe failed: {1}", settings.id(), e.toString());
            return false;
        }
    }

    private Optional<Capacity> capacity() {
        Request request = new Request.Builder().url(url("api/v1/capacity")).get().build();
        try (Response response = client.newCall(request).execute()) {
            tlsFailure = null;
            if (!response.isSuccessful()) {
                return Optional.empty();
            }
            JsonNode capacity = Json.read(response.body().string()).path("capacity");
            return Optional.of(new Capacity(Math.max(0, capacity.path("total").asLong(0)),
                    Math.max(0, capacity.path("used").asLong(0)), Math.max(0, capacity.path("available").asLong(0))));
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException io) {
                noteTlsFailure(io);
            }
            LOG.log(Level.DEBUG, "storage element {0}: capacity probe failed: {1}", settings.id(), e.toString());
            return Optional.empty();
        }
    }

    // --- Files ---

    @Override
    public FileAttributes store(StoreRequest request, InputStream content) {
        requireMode(settings.mode().allowsAdd(), "add files to");
        return upload(request, content);
    }

    /** The SE's own fields; its {@code metadata} is write-only, so the attributes carry none. */
    @Override
    public Optional<FileAttributes> stat(FileId fileId) {
        return find(fileId).map(RemoteFile::attributes);
    }

    /**
     * The SE's file list, a page at a time ({@link RemoteListing}). Like {@link #stat}, each file's attributes are the
     * SE's own fields only: the list never carries {@code metadata}, {@code created_by_id} or {@code updated_at}.
     */
    @Override
    public Optional<Iterable<FileAttributes>> listFiles() {
        return Optional.of(new RemoteListing(this::listPage));
    }

    private RemoteListing.Page listPage(long skip, int limit) {
        HttpUrl url = url("api/v1/files").newBuilder()
                .addQueryParameter("skip", Long.toString(skip))
                .addQueryParameter("limit", Integer.toString(limit))
                .build();
        return policies.idempotent("list", () -> {
            try (Response response = send(new Request.Builder().url(url).get(), () -> true)) {
                if (!response.isSuccessful()) {
                    throw failure(response, "list its files from " + skip);
                }
                String body = response.body().string();
                try {
                    JsonNode json = Json.read(body);
                    JsonNode files = json.path("files");
                    if (!json.path("total").canConvertToLong() || !files.isArray()) {
                        throw new IllegalArgumentException("no total and files");
                    }
                    List<FileAttributes> page = new ArrayList<>();
                    for (JsonNode file : files) {
                        page.add(RemoteFile.parse(file).attributes());
                    }
                    return new RemoteListing.Page(json.path("total").asLong(), page);
                } catch (RuntimeException e) {
                    throw new IngestException(Kind.INTERNAL, Codes.INVALID_ANSWER, "storage element " + settings.id()
                            + " listed its files in a form the ingester cannot read: " + e.getMessage(), e);
                }
            } catch (IOException e) {
                throw transportFailure(e);
            }
        });
    }

    @Override
    public Optional<InputStream> open(FileId fileId) {
        return policies.idempotent("download", () -> {
            Response response = send(new Request.Builder().url(fileUrl(fileId, "download")).get(), () -> true);
            if (response.code() == 404) {
                response.close();
                return Optional.empty();
            }
            if (!response.isSuccessful()) {
                throw failure(response, "download file " + fileId);
            }
            return Optional.of(response.body().byteStream());
        });
    }

    /** Also deletes the file's signature, kept as a file of its own ({@link #writeSidecar}); first, as it names the file. */
    @Override
    public boolean delete(FileId fileId) {
        requireMode(settings.mode().allowsDelete(), "delete files from");
        uploaded.remove(fileId);
        deleteCopy(sidecarId(fileId, DetachedSignature.SIDECAR_SUFFIX));
        return deleteCopy(fileId);
    }

    // --- Sidecars: files of their own on the SE, as it keeps no side files ---

    /**
     * A sidecar is a stored file of its own whose id follows from the file's id and the suffix, so that it is known
     * before it is written (the file's metadata names it) and found again without any record.
     */
    @Override
    public Optional<FileId> sidecarFileId(FileId fileId, String suffix) {
        requireSidecarSuffix(suffix);
        return Optional.of(sidecarId(fileId, suffix));
    }

    static FileId sidecarId(FileId fileId, String suffix) {
        return new FileId(UUID.nameUUIDFromBytes(("artstore-sidecar:" + fileId + suffix).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Uploads the sidecar as a file named {@code <original_filename><suffix>} whose metadata records the file it
     * belongs to ({@code ingester.sidecar_of}); an earlier one with other bytes is removed first.
     */
    @Override
    public void writeSidecar(FileId fileId, String suffix, byte[] content) {
        requireSidecarSuffix(suffix);
        Objects.requireNonNull(content, "content");
        requireMode(settings.mode().allowsAdd(), "write files beside stored files on");
        uploadSidecar(stat(fileId).orElseThrow(() -> notStored(fileId)), suffix, content);
    }

    private void uploadSidecar(FileAttributes file, String suffix, byte[] content) {
        FileId fileId = file.fileId();
        FileId sidecar = sidecarId(fileId, suffix);
        Map<String, Object> metadata = Map.of(StoredContent.METADATA_KEY, Map.of("sidecar_of", fileId.toString(), "suffix", suffix));
        StoreRequest request = new StoreRequest(sidecar, file.originalFilename() + suffix, OCTET_STREAM.toString(),
                new Uploader(file.createdById(), file.createdByUsername(), file.createdByFullname()), Optional.empty(),
                Optional.empty(), clock.instant(), () -> metadata);
        try {
            upload(request, new ByteArrayInputStream(content));
        } catch (IngestException e) {
            if (!Codes.FILE_EXISTS.equals(e.code())) {
                throw e;
            }
            deleteCopy(sidecar);
            upload(request, new ByteArrayInputStream(content));
        }
    }

    @Override
    public Optional<byte[]> readSidecar(FileId fileId, String suffix) {
        requireSidecarSuffix(suffix);
        return open(sidecarId(fileId, suffix)).map(in -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw transportFailure(e);
            }
        });
    }

    /** DELETE on an {@code edit} SE, the GC delete on the others. */
    @Override
    public boolean deleteSidecar(FileId fileId, String suffix) {
        requireSidecarSuffix(suffix);
        return deleteCopy(sidecarId(fileId, suffix));
    }

    // --- Staging, emulated: the copy is uploaded; the caller's durable record says it is staged ---

    /**
     * Uploads the copy as {@link #store} does: the SE has no staging and this adapter leaves no mark on it. The
     * caller's own durable record is what says the copy is staged; {@link #discardStaged} removes it.
     */
    @Override
    public FileAttributes stage(StoreRequest request, InputStream content) {
        requireMode(settings.mode().allowsAdd(), "stage files on");
        FileAttributes staged = upload(request, content);
        uploaded.put(request.fileId(), staged);
        return staged;
    }

    /**
     * Uploads the sidecar as {@link #writeSidecar} does, beside the copy this process staged (no call to find it) or,
     * after a restart, the copy under the id.
     */
    @Override
    public void stageSidecar(FileId fileId, String suffix, byte[] content) {
        requireSidecarSuffix(suffix);
        Objects.requireNonNull(content, "content");
        requireMode(settings.mode().allowsAdd(), "stage files on");
        FileAttributes copy = Optional.ofNullable(uploaded.get(fileId)).or(() -> stat(fileId))
                .orElseThrow(() -> IngestException.notFound("file_not_staged", "storage element " + settings.id()
                        + " holds no staged copy " + fileId));
        stagingSidecars.add(sidecarId(fileId, suffix));
        uploadSidecar(copy, suffix, content);
    }

    /** The copy under the id, whatever uploaded it: the SE cannot tell a staged copy from a stored file. */
    @Override
    public Optional<FileAttributes> staged(FileId fileId) {
        FileAttributes known = uploaded.get(fileId);
        return known != null ? Optional.of(known) : stat(fileId);
    }

    /**
     * Nothing to do on the SE: the uploaded copy is visible already. Answers from what this process uploaded,
     * without a call; asks the SE only for a copy uploaded before a restart.
     */
    @Override
    public FileAttributes publishStaged(FileId fileId) {
        stagingSidecars.remove(sidecarId(fileId, DetachedSignature.SIDECAR_SUFFIX));
        FileAttributes known = uploaded.remove(fileId);
        if (known != null) {
            return known;
        }
        return stat(fileId).orElseThrow(() -> IngestException.notFound("file_not_staged",
                "storage element " + settings.id() + " holds neither a staged copy nor a stored file " + fileId));
    }

    /**
     * Removes the copy under the id: DELETE on an {@code edit} SE, the GC delete on the others. The SE cannot tell
     * a staged copy from a stored file, so callers call this only for a copy their own durable record says they
     * uploaded (including one whose upload's outcome they never learnt). A copy this process did not see land
     * (uploaded before a restart, or whose answer was lost) is first asked about with the GC {@code exists}: when
     * nothing landed, no delete is sent. The copy's signature, the one sidecar a transfer stages, is removed first
     * in the same way: its id follows from the copy's, so no record of it is needed.
     */
    @Override
    public boolean discardStaged(FileId fileId) {
        boolean uploadedHere = uploaded.containsKey(fileId);
        // The signature first, on its own evidence: it is staged only after the copy, and may outlive it here.
        FileId signature = sidecarId(fileId, DetachedSignature.SIDECAR_SUFFIX);
        if (stagingSidecars.remove(signature) || (!uploadedHere && exists(signature))) {
            deleteCopy(signature);
        }
        if (uploaded.remove(fileId) == null && !exists(fileId)) {
            return false;
        }
        return deleteCopy(fileId);
    }

    /**
     * Whether the SE certainly holds no file under the id (asked with {@code GET /api/v1/files/{id}}, which any
     * token may call); false when it cannot be asked.
     */
    private boolean absent(FileId fileId) {
        try {
            return find(fileId).isEmpty();
        } catch (IngestException e) {
            LOG.log(Level.DEBUG, "storage element {0}: could not ask whether file {1} landed: {2}", settings.id(), fileId,
                    e.getMessage());
            return false;
        }
    }

    /** {@code GET /api/v1/gc/{id}/exists}: whether the SE holds a file under the id, in any mode. */
    private boolean exists(FileId fileId) {
        return policies.idempotent("exists", () -> {
            try (Response response = send(new Request.Builder().url(url("api/v1/gc/" + fileId + "/exists")).get(), () -> true)) {
                if (!response.isSuccessful()) {
                    throw failure(response, "ask whether file " + fileId + " exists");
                }
                JsonNode exists = Json.read(response.body().string()).path("exists");
                if (!exists.isBoolean()) {
                    throw new IngestException(Kind.INTERNAL, Codes.INVALID_ANSWER, "storage element " + settings.id()
                            + " answered whether file " + fileId + " exists without a boolean 'exists'");
                }
                return exists.asBoolean();
            } catch (IOException e) {
                throw transportFailure(e);
            }
        });
    }

    // --- Upload ---

    /**
     * Streams the content as the {@code file} part and checks the 201's size and checksum against what was sent,
     * then writes the complete metadata with one PATCH: two calls. Only when the answer to the upload is lost
     * after the whole content went out (or the SE answers 500, as it does for a duplicate id) does it ask the SE
     * whether the file landed. Removes the copy again when a later step fails.
     *
     * <p>Content that fits in one block ({@link StreamingFilePart#BLOCK}) is sent whole, with its length and
     * without {@code Expect: 100-continue}, whose wait for the SE's interim answer would cost a round trip: the
     * body is in memory, so a refusal needs no unread stream to be repeated. As the SE may have read it, such an
     * upload is repeated after a failure only when the SE says the file did not land (a duplicate id is a 500), and
     * never after a 500, which it answers once it has read the body.
     */
    private FileAttributes upload(StoreRequest request, InputStream content) {
        FileId fileId = request.fileId();
        MediaType type = Optional.ofNullable(MediaType.parse(request.contentType())).orElse(OCTET_STREAM);
        StreamingFilePart part = StreamingFilePart.of(content, type);
        if (part.replayable() && part.sentBytes() == 0) {
            throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
        }
        MultipartBody.Builder form = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("file_id", fileId.toString());
        request.description().ifPresent(description -> form.addFormDataPart("description", description));
        request.version().ifPresent(version -> form.addFormDataPart("version", version));
        MultipartBody body = form.addFormDataPart("file", request.originalFilename(), part).build();
        Landed landed;
        try {
            landed = policies.repeatableWhen("upload", failure -> part.untouched() || (part.replayable()
                    && !Codes.SE_ERROR.equals(((IngestException) failure).code()) && absent(fileId)),
                    () -> postUpload(body, part, fileId));
        } catch (ContentFailed e) {
            throw e.original;
        } catch (IngestException e) {
            if (!part.finished()) {
                refuseIfFull(part.sentBytes(), e);
                throw e;
            }
            if (part.sentBytes() == 0) {
                throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
            }
            Optional<RemoteFile> check;
            try {
                check = find(fileId);
            } catch (IngestException checkFailed) {
                e.addSuppressed(checkFailed);
                throw e;
            }
            if (check.isEmpty()) {
                refuseIfFull(part.sentBytes(), e);
                throw e;
            }
            RemoteFile found = check.get();
            landed = new Landed(found.attributes().fileSize(), found.attributes().checksum());
            if (!landed.matches(part)) {
                throw new IngestException(Kind.CONFLICT, Codes.FILE_EXISTS, "storage element "
                        + settings.id() + " already holds a different file with id " + fileId, e);
            }
            LOG.log(Level.INFO, "storage element {0}: the upload of {1} landed although its answer was lost",
                    settings.id(), fileId);
        }
        try {
            if (!landed.matches(part)) {
                throw new IngestException(Kind.INTERNAL, Codes.CHECKSUM_MISMATCH, "storage element " + settings.id()
                        + " stored " + landed.size() + " bytes with SHA-256 " + landed.checksum() + " for file " + fileId
                        + ", but " + part.sentBytes() + " bytes with SHA-256 " + part.checksum() + " were sent");
            }
            Map<String, Object> metadata = request.metadata().get();
            return RemoteFile.asUploaded(patchMetadata(fileId, metadata)
                    .orElseGet(() -> find(fileId).orElseThrow(() -> vanished(fileId))), request, metadata);
        } catch (RuntimeException e) {
            removeAfterFailure(fileId, e);
            throw e;
        }
    }

    /**
     * The SE answers a full disk with a plain 500, like any other failure; a fresh look at its free space tells
     * the two apart. When the file (at least {@code sentBytes}) could not have fitted, the element counts as full
     * until its next probe, so that selection passes it over, and the client hears 507.
     */
    private void refuseIfFull(long sentBytes, IngestException failure) {
        if (!Codes.SE_ERROR.equals(failure.code()) || sentBytes == 0) {
            return;
        }
        Optional<Capacity> now = capacity();
        if (now.isEmpty() || now.get().availableBytes() >= sentBytes) {
            return;
        }
        Capacity seen = now.get();
        probeLock.lock();
        try {
            boolean ready = Optional.ofNullable(lastProbe).map(Probe::ready).orElse(true);
            lastProbe = new Probe(ready, new Capacity(seen.totalBytes(), seen.usedBytes(), 0), clock.instant());
        } finally {
            probeLock.unlock();
        }
        LOG.log(Level.WARNING, "storage element {0} refused an upload of {1} bytes with {2} bytes free; it counts as"
                + " full until its next probe", settings.id(), sentBytes, seen.availableBytes());
        throw new IngestException(Kind.INSUFFICIENT_STORAGE, Codes.INSUFFICIENT_STORAGE, "storage element " + settings.id()
                + " has no room for the file: it failed the upload after " + sentBytes + " bytes and reports "
                + seen.availableBytes() + " bytes free", failure);
    }

    /** What the upload's 201 says landed. */
    private record Landed(long size, Sha256 checksum) {
        boolean matches(StreamingFilePart part) {
            return checksum.equals(part.checksum()) && size == part.sentBytes();
        }
    }

    private Landed postUpload(MultipartBody body, StreamingFilePart part, FileId fileId) {
        // An SE that refuses before reading (503, 401) answers before any content went out, so that the
        // upload can still be repeated: the stream is read only after "100 Continue". Content held whole in
        // memory can be sent again anyway, and does not wait for it.
        Request.Builder request = new Request.Builder().url(url("api/v1/files/upload")).post(body);
        if (!part.replayable()) {
            request.header("Expect", "100-continue");
        }
        Response response;
        try {
            // A 401 comes before anything is stored: content in memory is sent again with a new token.
            response = send(request, () -> part.untouched() || part.replayable());
        } catch (IngestException e) {
            if (part.contentFailure().isPresent()) {
                throw new ContentFailed(part.contentFailure().get());
            }
            throw e;
        }
        try (response) {
            if (response.code() != 201 && response.code() != 200) {
                throw failure(response, "add file " + fileId);
            }
            JsonNode answer = Json.read(response.body().string());
            try {
                return new Landed(answer.path("file_size").asLong(-1), Sha256.parse(answer.path("checksum").asText("")));
            } catch (RuntimeException e) {
                throw new IngestException(Kind.INTERNAL, Codes.INVALID_ANSWER, "storage element " + settings.id()
                        + " answered the upload of file " + fileId + " without a readable size and checksum: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw transportFailure(e);
        }
    }

    private void removeAfterFailure(FileId fileId, RuntimeException failure) {
        uploaded.remove(fileId);
        try {
            deleteCopy(fileId);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.log(Level.WARNING, "storage element {0}: could not remove file {1} after a failed upload: {2}",
                    settings.id(), fileId, e.getMessage());
        }
    }

    /** A failure of the caller's content stream, carried through the policies without counting against the SE. */
    private static final class ContentFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RuntimeException original;

        ContentFailed(RuntimeException original) {
            super(original.getMessage(), original, false, false);
            this.original = original;
        }
    }

    // --- Calls ---

    private Optional<RemoteFile> find(FileId fileId) {
        return policies.idempotent("find", () -> {
            try (Response response = send(new Request.Builder().url(fileUrl(fileId, null)).get(), () -> true)) {
                if (response.code() == 404) {
                    return Optional.empty();
                }
                if (!response.isSuccessful()) {
                    throw failure(response, "read the metadata of file " + fileId);
                }
                String body = response.body().string();
                try {
                    return Optional.of(RemoteFile.parse(Json.read(body)));
                } catch (RuntimeException e) {
                    throw new IngestException(Kind.INTERNAL, Codes.INVALID_ANSWER, "storage element " + settings.id()
                            + " described file " + fileId + " in a form the ingester cannot read: " + e.getMessage(), e);
                }
            } catch (IOException e) {
                throw transportFailure(e);
            }
        });
    }

    /**
     * Replaces the whole metadata object (the SE does not merge). Returns the file as the SE's answer describes
     * it, or empty when the answer does not describe it.
     */
    private Optional<RemoteFile> patchMetadata(FileId fileId, Map<String, Object> metadata) {
        byte[] json = Json.write(Map.of("metadata", metadata));
        return policies.idempotent("patch-metadata", () -> {
            Request.Builder request = new Request.Builder().url(fileUrl(fileId, null))
                    .patch(RequestBody.create(json, Json.MEDIA_TYPE));
            try (Response response = send(request, () -> true)) {
                if (response.code() == 404) {
                    throw notStored(fileId);
                }
                if (!response.isSuccessful()) {
                    throw failure(response, "update the metadata of file " + fileId);
                }
                try {
                    return Optional.of(RemoteFile.parse(Json.read(response.body().string())));
                } catch (RuntimeException e) {
                    return Optional.<RemoteFile>empty();
                }
            } catch (IOException e) {
                throw transportFailure(e);
            }
        });
    }

    /** Removes a copy: DELETE on an edit SE, the garbage-collection delete on the others (e.g. rw). */
    private boolean deleteCopy(FileId fileId) {
        boolean edit = settings.mode().allowsDelete();
        HttpUrl target = edit ? fileUrl(fileId, null) : url("api/v1/gc/" + fileId);
        return policies.idempotent("delete", () -> {
            try (Response response = send(new Request.Builder().url(target).delete(edit ? null : EMPTY), () -> true)) {
                if (response.code() == 404) {
                    return false;
                }
                if (!response.isSuccessful()) {
                    throw failure(response, "delete file " + fileId);
                }
                if (edit) {
                    return true;
                }
                return "deleted".equals(Json.read(response.body().string()).path("status").asText());
            } catch (IOException e) {
                throw transportFailure(e);
            }
        });
    }

    /**
     * Sends with the current bearer token; after a 401 fetches a new token and, when the request can be sent
     * again, sends it once more.
     */
    private Response send(Request.Builder request, BooleanSupplier replayable) {
        String token = tokens.current();
        Response response = execute(request.header("Authorization", "Bearer " + token).build());
        if (response.code() != 401) {
            return response;
        }
        String detail = Json.detail(bodyText(response));
        tokens.invalidate(token);
        if (replayable.getAsBoolean()) {
            String renewed = tokens.current();
            response = execute(request.header("Authorization", "Bearer " + renewed).build());
            if (response.code() != 401) {
                return response;
            }
            detail = Json.detail(bodyText(response));
            tokens.invalidate(renewed);
        }
        throw new IngestException(Kind.UNAVAILABLE, Codes.UNAUTHORIZED, "storage element " + settings.id()
                + " refused the ingester's token: " + detail + "; check the token or the service account");
    }

    private Response execute(Request request) {
        try {
            Response response = client.newCall(traced(request)).execute();
            tlsFailure = null;
            return response;
        } catch (IOException e) {
            throw transportFailure(e);
        }
    }

    /** The current trace context goes with the request, so that the SE's spans join the ingester's trace. */
    private Request traced(Request request) {
        Optional<TraceContext> context = tracing.current();
        if (context.isEmpty()) {
            return request;
        }
        Request.Builder builder = request.newBuilder().header("traceparent", context.get().traceparent());
        context.get().tracestate().ifPresent(state -> builder.header("tracestate", state));
        return builder.build();
    }

    private IngestException transportFailure(IOException e) {
        Optional<TlsFailure> handshake = noteTlsFailure(e);
        if (handshake.isPresent()) {
            return new IngestException(Kind.UNAVAILABLE, Codes.TLS_FAILED, handshake.get().message(), e);
        }
        if (e instanceof SSLException) {
            return new IngestException(Kind.UNAVAILABLE, Codes.TLS_FAILED, "TLS with storage element " + settings.id()
                    + " at " + settings.url() + " failed (minimum " + settings.tls().minVersion() + "): " + e.getMessage(), e);
        }
        String what = e instanceof InterruptedIOException ? "timed out" : "failed";
        return new IngestException(Kind.UNAVAILABLE, Codes.UNREACHABLE, "the connection to storage element "
                + settings.id() + " at " + settings.url() + " " + what + ": " + e, e);
    }

    /** Records a failed TLS handshake, so that health reports and 503 answers can say why the element is out. */
    private Optional<TlsFailure> noteTlsFailure(IOException e) {
        if (!(e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException)) {
            return Optional.empty();
        }
        String reason = tlsReason(e);
        String message = reason.equals("pin_mismatch")
                ? "storage element " + settings.id() + " at " + settings.url() + " presented a certificate whose public"
                        + " key matches none of its pins " + settings.pins() + "; check the pins or the element's certificate"
                : "the TLS handshake with storage element " + settings.id() + " at " + settings.url() + " failed ("
                        + reason.replace('_', ' ') + ", minimum " + settings.tls().minVersion() + "): " + e.getMessage();
        TlsFailure failure = new TlsFailure(reason, message, clock.instant());
        if (tlsFailure == null || !tlsFailure.reason().equals(reason)) {
            LOG.log(Level.WARNING, message);
        }
        tlsFailure = failure;
        return Optional.of(failure);
    }

    private static String tlsReason(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof SSLPeerUnverifiedException) {
            return message.contains("pinning") ? "pin_mismatch" : message.startsWith("Hostname") ? "hostname_mismatch"
                    : "certificate_invalid";
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
                return "certificate_expired";
            }
            if (cause instanceof CertPathBuilderException) {
                return "unknown_ca";
            }
            if (cause instanceof CertPathValidatorException) {
                return "certificate_invalid";
            }
        }
        if (message.contains("protocol_version") || message.contains("No appropriate protocol")) {
            return "protocol_mismatch";
        }
        return "handshake_failed";
    }

    private IngestException failure(Response response, String action) {
        int code = response.code();
        String detail = Json.detail(bodyText(response));
        String prefix = "storage element " + settings.id() + " could not " + action + ": HTTP " + code + " " + detail;
        if (code == 400 && detail.toLowerCase(Locale.ROOT).contains("mode")) {
            return IngestException.conflict(Codes.WRONG_MODE, prefix);
        }
        if (code == 403) {
            return new IngestException(Kind.INTERNAL, Codes.FORBIDDEN, prefix + "; deleting needs role operator or"
                    + " admin and garbage collection a service-account token");
        }
        if (code == 404) {
            return IngestException.notFound(Codes.NOT_FOUND, prefix);
        }
        if (code == 502 || code == 503 || code == 504) {
            return new IngestException(Kind.UNAVAILABLE, Codes.UNAVAILABLE, prefix);
        }
        if (code >= 500) {
            return new IngestException(Kind.UNAVAILABLE, Codes.SE_ERROR, prefix);
        }
        return new IngestException(Kind.INTERNAL, Codes.REJECTED, prefix);
    }

    private static String bodyText(Response response) {
        try (response) {
            return response.body().string();
        } catch (IOException e) {
            return "(no readable body: " + e.getMessage() + ")";
        }
    }

    private HttpUrl url(String path) {
        return base.newBuilder().addPathSegments(path).build();
    }

    private HttpUrl fileUrl(FileId fileId, String then) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments("api/v1/files").addPathSegment(fileId.toString());
        if (then != null) {
            url.addPathSegment(then);
        }
        return url.build();
    }

    private void requireMode(boolean allowed, String action) {
        if (!allowed) {
            throw IngestException.conflict(Codes.WRONG_MODE, "storage element " + settings.id() + " is in mode '"
                    + settings.mode().wireName() + "', which does not allow to " + action + " it");
        }
    }

    private static void requireSidecarSuffix(String suffix) {
        Objects.requireNonNull(suffix, "suffix");
        if (!SIDECAR_SUFFIX.matcher(suffix).matches() || suffix.equals(".attr.json")) {
            throw IngestException.invalid("invalid_sidecar_suffix", "a sidecar suffix is a dot and up to two short"
                    + " words of letters, digits, '-' or '_' such as '.sig', and not '.attr.json'; got '" + suffix + "'");
        }
    }

    private IngestException notStored(FileId fileId) {
        return IngestException.notFound(Codes.NOT_FOUND, "storage element " + settings.id() + " holds no file " + fileId);
    }

    private IngestException vanished(FileId fileId) {
        return new IngestException(Kind.INTERNAL, "file_vanished", "file " + fileId + " disappeared from storage element "
                + settings.id() + " while it was being written");
    }

    @Override
    public String toString() {
        return "HttpStorageElement[" + settings.id() + " " + settings.mode().wireName() + " " + settings.url() + "]";
    }
}
