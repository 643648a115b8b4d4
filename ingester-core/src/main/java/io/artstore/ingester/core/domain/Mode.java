package io.artstore.ingester.core.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The mode a storage element runs in, fixed by its configuration. What each mode allows follows the
 * ArtStore storage element: files are added to {@code edit} and {@code rw}, deleted only from {@code edit}.
 */
public enum Mode {
    EDIT(true, true, true),
    RW(true, true, false),
    RO(false, false, false),
    AR(false, false, false);

    private final boolean allowsAdd;
    private final boolean allowsMetadataUpdate;
    private final boolean allowsDelete;

    Mode(boolean allowsAdd, boolean allowsMetadataUpdate, boolean allowsDelete) {
        this.allowsAdd = allowsAdd;
        this.allowsMetadataUpdate = allowsMetadataUpdate;
        this.allowsDelete = allowsDelete;
    }

    public boolean allowsAdd() {
        return allowsAdd;
    }

    public boolean allowsMetadataUpdate() {
        return allowsMetadataUpdate;
    }

    public boolean allowsDelete() {
        return allowsDelete;
    }

    /** Every mode reads. */
    public boolean allowsRead() {
        return true;
    }

    /** The lower-case name used on the wire and in configuration. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String text) {
        if (text != null) {
            for (Mode mode : values()) {
                if (mode.wireName().equalsIgnoreCase(text.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("mode must be one of "
                + Arrays.stream(values()).map(Mode::wireName).collect(Collectors.joining(", "))
                + ", got '" + text + "'");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
