package io.artstore.ingester.core.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * ArtStore's naming rule for stored files: {@code <stem>_<username>_<YYYYMMDDTHHMMSS>_<file_id><ext>}, at
 * most 200 characters (and 220 bytes in UTF-8), with the characters that file systems refuse replaced by {@code _}. One addition keeps
 * every stored file visible: the stem loses its leading dots and underscores, so {@code .profile} is stored as
 * {@code profile_...} and {@code ../../etc/passwd} as {@code etc_passwd_...}.
 */
public final class StorageFileName {

    public static final int MAX_LENGTH = 200;
    /**
     * The most UTF-8 bytes of a stored name, so that it and its longest sidecar ({@code .attr.json}, or a sidecar
     * suffix of up to 34 characters) fit the 255-byte name limit of ext4, XFS and most other file systems: 200
     * Cyrillic or CJK characters would not.
     */
    public static final int MAX_BYTES = 220;
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
        String name = checkOriginal(originalFilename);
        int dot = name.lastIndexOf('.');
        int lastComponent = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1;
        // As Python's Path.suffix, of the last path component: a leading dot (".profile") or a trailing one
        // ("a.") is no suffix, nor is a dot in a folder name ("../passwd").
        boolean hasSuffix = dot > lastComponent && dot < name.length() - 1;
        String stem = visible(sanitise(hasSuffix ? name.substring(0, dot) : name));
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
        int extRoomBytes = MAX_BYTES - 1 - ELLIPSIS.length() - utf8Length(fixed);
        if (ext.codePointCount(0, ext.length()) > extRoom || utf8Length(ext) > extRoomBytes) {
            ext = prefix(ext, extRoom, extRoomBytes);
            if (ext.length() <= 1) {
                ext = "";
            }
        }
        String tail = fixed + ext;
        int room = MAX_LENGTH - tail.codePointCount(0, tail.length());
        int roomBytes = MAX_BYTES - utf8Length(tail);
        if (stem.codePointCount(0, stem.length()) > room || utf8Length(stem) > roomBytes) {
            String kept = prefix(stem, room - ELLIPSIS.length(), roomBytes - ELLIPSIS.length());
            stem = (kept.isEmpty() ? stem.substring(0, stem.offsetByCodePoints(0, 1)) : kept) + ELLIPSIS;
        }
        return stem + tail;
    }

    /**
     * Checks a client's file name before anything is stored: it must not hold a NUL byte (no file system, HTTP
     * header or JSON consumer downstream takes one), and must keep some character once sanitised.
     *
     * @return the name, unchanged
     * @throws IngestException {@code INVALID_REQUEST} {@code invalid_filename} otherwise
     */
    public static String checkOriginal(String originalFilename) {
        Objects.requireNonNull(originalFilename, "originalFilename");
        if (originalFilename.indexOf('\0') >= 0) {
            throw IngestException.invalid("invalid_filename", "the file name '" + originalFilename.replace('\0', '?')
                    + "' holds a NUL byte (shown as ?); send the name without it");
        }
        if (sanitise(originalFilename).isEmpty()) {
            throw IngestException.invalid("invalid_filename",
                    "the file name '" + originalFilename + "' has no usable characters; send a name with letters or digits");
        }
        return originalFilename;
    }

    /** The longest start of the text within both limits, cut between code points. */
    private static String prefix(String text, int maxCodePoints, int maxBytes) {
        int end = 0;
        int count = 0;
        int bytes = 0;
        while (end < text.length()) {
            int cp = text.codePointAt(end);
            int size = utf8Length(new String(Character.toChars(cp)));
            if (count + 1 > maxCodePoints || bytes + size > maxBytes) {
                break;
            }
            count++;
            bytes += size;
            end += Character.charCount(cp);
        }
        return text.substring(0, end);
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Without leading dots and underscores: a stored name that starts with a dot is hidden from listings. */
    private static String visible(String stem) {
        int start = 0;
        while (start < stem.length() && (stem.charAt(start) == '.' || stem.charAt(start) == '_')) {
            start++;
        }
        return stem.substring(start);
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
