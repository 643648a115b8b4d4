package io.artstore.ingester.core.pipeline;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises executables and scripts by their first bytes, and tells when a file name's extension hides one: an ELF,
 * PE ({@code MZ}), Mach-O binary or a {@code #!} script named {@code report.pdf} is what attackers upload to have it
 * opened by someone else.
 */
public final class MagicBytes {

    /** How many leading bytes {@link #executableKind} looks at. */
    public static final int HEAD_BYTES = 8;

    /** Extensions that say honestly that the file is (or may be) a program or script. */
    private static final Set<String> EXECUTABLE_EXTENSIONS = Set.of("exe", "dll", "sys", "com", "scr", "msi", "efi", "so",
            "dylib", "bundle", "o", "ko", "elf", "bin", "out", "run", "app", "appimage", "sh", "bash", "zsh", "ksh", "csh",
            "fish", "py", "pl", "rb", "php", "js", "mjs", "lua", "tcl", "awk", "sed", "r", "ps1", "bat", "cmd", "command");

    private MagicBytes() {
    }

    /** The kind of program {@code head} starts, or empty for anything else. */
    public static Optional<String> executableKind(byte[] head) {
        if (startsWith(head, 0x7f, 'E', 'L', 'F')) {
            return Optional.of("ELF executable");
        }
        if (startsWith(head, 'M', 'Z')) {
            return Optional.of("Windows PE executable (MZ)");
        }
        if (startsWith(head, 0xfe, 0xed, 0xfa, 0xce) || startsWith(head, 0xfe, 0xed, 0xfa, 0xcf)
                || startsWith(head, 0xce, 0xfa, 0xed, 0xfe) || startsWith(head, 0xcf, 0xfa, 0xed, 0xfe)) {
            return Optional.of("Mach-O executable");
        }
        if (startsWith(head, 0xca, 0xfe, 0xba, 0xbe) && head.length >= 8 && (head[7] & 0xff) < 0x20 && head[4] == 0 && head[5] == 0) {
            // Fat Mach-O; Java class files share the magic but carry a version of 45 or more in bytes 6-7.
            return Optional.of("Mach-O universal executable");
        }
        if (startsWith(head, '#', '!')) {
            return Optional.of("script (#!)");
        }
        return Optional.empty();
    }

    /**
     * What a file disguises, when its content is a program but its name's extension claims another type; empty when
     * the content is no program, or the name admits it (or has no extension).
     */
    public static Optional<String> disguised(byte[] head, String filename) {
        Optional<String> kind = executableKind(head);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        int dot = filename.lastIndexOf('.');
        if (dot < 0 || dot == filename.length() - 1) {
            return Optional.empty();
        }
        String extension = filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        return EXECUTABLE_EXTENSIONS.contains(extension) ? Optional.empty()
                : Optional.of(kind.get() + " named '." + extension + "'");
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
