package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementDescriptor;
import io.artstore.ingester.core.domain.StorageElementId;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One storage element, local or remote. Implementations are thread-safe. Failures are reported as
 * {@link IngestException}: {@code CONFLICT} for what the element's mode forbids, {@code UNAVAILABLE} when
 * it cannot be reached, {@code INTERNAL} otherwise; a failure of the content stream itself is passed on
 * unchanged.
 */
public interface StorageElement {

    StorageElementId id();

    /** Mode, priority, health and free space as of now (may be cached briefly by remote elements). */
    StorageElementDescriptor describe();

    /**
     * Stores a new file, reading {@code content} to its end. The file becomes visible only once wholly and
     * durably written; when the call fails nothing of it is left behind.
     *
     * @return the attributes as stored, with the checksum and size of the stored bytes
     */
    FileAttributes store(StoreRequest request, InputStream content);

    /** The file's attributes, or empty when this element does not hold it. */
    Optional<FileAttributes> stat(FileId fileId);

    /** The stored bytes, or empty when this element does not hold the file. The caller closes the stream. */
    Optional<InputStream> open(FileId fileId);

    /**
     * The ids of the files this element holds, as its attribute files tell, to rebuild the catalogue from; empty
     * for an element that cannot list its files.
     */
    default List<FileId> fileIds() {
        return List.of();
    }

    /**
     * The attributes of the files this element holds, read while the iteration goes (a remote element asks for a page
     * at a time), for an element that cannot name its files by {@link #fileIds} alone; empty for an element that
     * lists its files through {@link #fileIds} or cannot list them. A file may come twice when the element's list
     * changed while it was read. The iteration throws {@link IngestException} when a page cannot be read.
     */
    default Optional<Iterable<FileAttributes>> listFiles() {
        return Optional.empty();
    }

    /**
     * Deletes the file and the files kept beside it ({@link #writeSidecar sidecars}), so that nothing of it is
     * left; idempotent.
     *
     * @return true when this call deleted it, false when it was not there
     * @throws IngestException {@code CONFLICT} when the element's mode does not allow deleting
     */
    boolean delete(FileId fileId);

    // --- Files kept beside a stored file, such as its detached signature ---

    /**
     * The id under which this element keeps a file beside a stored file as a stored file of its own (a remote SE,
     * which keeps no side files, does); empty where it lies beside the file under the file's own name (local
     * elements). Known before the sidecar is written, so that the file's metadata can name it.
     */
    default Optional<FileId> sidecarFileId(FileId fileId, String suffix) {
        return Optional.empty();
    }

    /**
     * Writes a small file beside the stored file, named {@code <storage_filename><suffix>}, replacing any
     * earlier one; durable when the call returns. Elements that cannot keep separate files keep it in the
     * file's metadata.
     *
     * @throws IngestException {@code NOT_FOUND} when the file is not stored here
     */
    void writeSidecar(FileId fileId, String suffix, byte[] content);

    /** The file beside the stored file, or empty when there is none. */
    Optional<byte[]> readSidecar(FileId fileId, String suffix);

    /** Idempotent; true when this call removed it. */
    boolean deleteSidecar(FileId fileId, String suffix);

    // --- Replacing a stored file's bytes in place (compression after the upload) ---

    /**
     * Beside the stored file while a replacement takes its place: the bytes replaced, until the caller has recorded
     * the replacement elsewhere and {@link #deleteSidecar deletes} them.
     */
    String REPLACED_SUFFIX = ".replaced";

    /**
     * Stages a copy to {@link #replaceWithStaged replace} the stored file of the same id, with the same storage file
     * name and folder ({@code createdAt} of the request is the stored file's); not visible until then; idempotent for
     * the same id once staged; {@link #discardStaged} removes it without touching the stored file.
     *
     * @throws IngestException {@code CONFLICT} {@code replace_unsupported} where the element cannot replace stored
     *     files (remote elements, whose SE refuses a second upload of an id, and modes that forbid deleting);
     *     {@code NOT_FOUND} when no file of the id is stored
     */
    default FileAttributes stageReplacement(StoreRequest request, InputStream content) {
        throw replaceUnsupported();
    }

    /**
     * Whether {@link #stageReplacement} and {@link #replaceWithStaged} work here, so that a file stored now can be
     * compressed later: an upload that asks for that is refused up front by an element that cannot.
     */
    default boolean replacesFiles() {
        return false;
    }

    /**
     * Makes the copy staged by {@link #stageReplacement} the stored file: a reader of this element sees the stored
     * file before or after, never a mix of the two. The bytes replaced stay beside it as {@link #REPLACED_SUFFIX}.
     * Idempotent and resumable: when nothing is staged and the stored file has {@code expectedChecksum}, an earlier
     * call did it and its attributes are returned. A failure before the new bytes are visible leaves the stored file
     * as it was.
     *
     * @throws IngestException {@code NOT_FOUND} when neither a staged replacement nor the expected stored file exists
     */
    default FileAttributes replaceWithStaged(FileId fileId, Sha256 expectedChecksum) {
        throw replaceUnsupported();
    }

    private IngestException replaceUnsupported() {
        return IngestException.conflict("replace_unsupported", "storage element " + id()
                + " cannot replace a stored file's bytes; only local elements in mode 'edit' can");
    }

    // --- Staging, for two-phase commit (native on local elements, emulated on remote ones) ---

    /**
     * Stores a copy that is not yet visible as a stored file ({@link #stat} does not see it) under the given
     * id; idempotent for the same id once staged. Same failure rules as {@link #store}.
     */
    FileAttributes stage(StoreRequest request, InputStream content);

    /**
     * Stages a small file beside the staged copy under the id, to become its {@link #writeSidecar sidecar} when the
     * copy is published; replaces an earlier one; durable when the call returns. {@link #publishStaged} publishes it
     * with the copy and {@link #discardStaged} removes it with the copy, so that a file and its signature move in
     * one two-phase commit.
     *
     * @throws IngestException {@code NOT_FOUND} when no copy is staged under the id
     */
    void stageSidecar(FileId fileId, String suffix, byte[] content);

    /**
     * Stages, as {@link #stage} does, a file whose content is the whole of {@code source}, a durable file on this
     * machine of {@code size} bytes whose SHA-256 is {@code checksum}, without copying its bytes: an element that keeps
     * files on the same file system takes the file as it is (a local element links it into its staging area). The
     * source stays where it is and is never changed; the caller must not change it either once this returns, and may
     * delete it. Empty when this element cannot take the file so (the default: remote elements, another file
     * system), having stored nothing: the caller then streams the bytes through {@link #stage}.
     */
    default Optional<FileAttributes> stageFile(StoreRequest request, Path source, long size, Sha256 checksum) {
        return Optional.empty();
    }

    /**
     * Where this element keeps the stored file's bytes on this machine, for another element on the same machine to
     * {@link #stageCopy copy} them; empty when it does not hold the file, or keeps no files on this machine (remote
     * elements, the default).
     */
    default Optional<Path> localFile(FileId fileId) {
        return Optional.empty();
    }

    /**
     * Stages, as {@link #stage} does, a copy of the whole of {@code source}, a file on this machine that nobody changes
     * meanwhile (another element's {@link #localFile}): the bytes are copied, never linked, since the copy must outlive
     * the source's disk. The returned checksum and size are those of the bytes read back from the copy, for the caller
     * to compare with what it expects. Empty, having stored nothing, when this element cannot copy a file so (the
     * default: remote elements): the caller then streams the bytes through {@link #stage}.
     *
     * @param progress told the count of bytes copied so far, as the copy goes
     */
    default Optional<FileAttributes> stageCopy(StoreRequest request, Path source, LongConsumer progress) {
        return Optional.empty();
    }

    /**
     * Stages as {@link #stage} does, for a caller that publishes the copy next and undoes its own work when
     * {@link #publishStaged} then finds no whole copy (the add saga, whose pivot is that publishing): such a copy
     * need not outlive a crash before it is published, so an element may leave its names unforced, and
     * {@link #publishStaged} makes the stored file durable as always. The default stages as {@link #stage}.
     */
    default FileAttributes stageForPublishing(StoreRequest request, InputStream content) {
        return stage(request, content);
    }

    /** {@link #stageFile}, for a caller as {@link #stageForPublishing} describes. */
    default Optional<FileAttributes> stageFileForPublishing(StoreRequest request, Path source, long size, Sha256 checksum) {
        return stageFile(request, source, size, checksum);
    }

    /** The staged copy's attributes, or empty when nothing is staged under the id. */
    Optional<FileAttributes> staged(FileId fileId);

    /**
     * Makes the staged copy a stored file, with the files {@link #stageSidecar staged beside it} (those first, so that
     * none is left behind once the copy is visible). Idempotent: when the file is already stored (an earlier call
     * succeeded) it returns its attributes.
     *
     * @throws IngestException {@code NOT_FOUND} when neither a whole staged copy nor a stored file exists
     */
    FileAttributes publishStaged(FileId fileId);

    /**
     * Removes a staged copy and the files {@link #stageSidecar staged beside it}; idempotent; true when this call
     * removed the copy. Elements that stage natively never
     * touch stored files here; elements that emulate staging by uploading (remote SEs) cannot tell a staged copy
     * from a stored file and remove the copy under the id, so callers call this only for a copy their own durable
     * record says they uploaded, or may have uploaded.
     */
    boolean discardStaged(FileId fileId);
}
