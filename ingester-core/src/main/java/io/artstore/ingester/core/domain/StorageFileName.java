package io.artstore.ingester.core.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * ArtStore's naming rule for stored files: {@code <stem>_<username>_<YYYYMMDDTHHMMSS>_<file_id><ext>}, at
 * most 200 characters, with the characters that file systems refuse replaced by {@code _}.
 */
public final class StorageFileName {

    public static final int MAX_LENGTH = 200;
    private static final String ELLIPSIS = "...";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FOLDER =
            DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/").withZone(ZoneOffset.UTC);

    private StorageFileName() {}

    /**
     * The stored name of a file.
     *
     * @throws IngestException {@code INVALID_REQUEST} when the original name sanitises to nothing
     */
    public static String of(String originalFilename, String username, Instant uploadedAt, FileId fileId) {
        String name = Objects.requireNonNull(originalFilename, "originalFilename");
        if (sanitise(name).isEmpty()) {
            throw IngestException.invalid("invalid_filename",
                    "the file name '" + originalFilename + "' has no usable characters; send a name with letters or digits");
        }
        int dot = name.lastIndexOf('.');
        // As Python's Path.suffix: a leading dot (".profile") or a trailing one ("a.") is no suffix.
        boolean hasSuffix = dot > 0 && dot < name.length() - 1;
        String stem = sanitise(hasSuffix ? name.substring(0, dot) : name);
        String ext = hasSuffix ? sanitise(name.substring(dot)) : "";
        if (!ext.startsWith(".") || ext.length() == 1) {
            ext = "";
        }
        if (stem.isEmpty()) {
            stem = "file";
        }
        String user = sanitise(username);
        if (user.isEmpty()) {
            user = "user";
        }
        String fixed = "_" + user + "_" + STAMP.format(uploadedAt) + "_" + fileId;
        int extRoom = MAX_LENGTH - 1 - ELLIPSIS.length() - fixed.codePointCount(0, fixed.length());
        if (ext.codePointCount(0, ext.length()) > extRoom) {
            ext = extRoom > 1 ? ext.substring(0, ext.offsetByCodePoints(0, extRoom)) : "";
        }
        String tail = fixed + ext;
        int room = MAX_LENGTH - tail.codePointCount(0, tail.length());
        if (stem.codePointCount(0, stem.length()) > room) {
            int keep = Math.max(1, room - ELLIPSIS.length());
            stem = stem.substring(0, stem.offsetByCodePoints(0, Math.min(keep, stem.codePointCount(0, stem.length()))))
                    + ELLIPSIS;
        }
        return stem + tail;
    }

    /** The {@code YYYY/MM/DD/HH/} folder of a file uploaded at that instant (UTC). */
    public static String folderOf(Instant uploadedAt) {
        return FOLDER.format(uploadedAt);
    }

    /** Replaces {@code < > : " / \ | ? *} and control characters by {@code _}, collapses and trims them. */
    public static String sanitise(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            boolean bad = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || "<>:\"/\\|?*".indexOf(cp) >= 0;
            int c = bad ? '_' : cp;
            if (c == '_' && out.length() > 0 && out.charAt(out.length() - 1) == '_') {
                return;
            }
            out.appendCodePoint(c);
        });
        int start = 0;
        int end = out.length();
        while (start < end && (out.charAt(start) == '_' || Character.isWhitespace(out.charAt(start)))) {
            start++;
        }
        while (end > start && (out.charAt(end - 1) == '_' || Character.isWhitespace(out.charAt(end - 1)))) {
            end--;
        }
        return out.substring(start, end);
    }
}
