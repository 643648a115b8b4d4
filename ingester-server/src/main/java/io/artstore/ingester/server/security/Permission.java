package io.artstore.ingester.server.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a token may do. Roles map to sets of these through the {@link RoleTable}. */
public enum Permission {
    FILES_UPLOAD("files:upload"),
    FILES_READ("files:read"),
    FILES_DELETE("files:delete"),
    FILES_TRANSFER("files:transfer"),
    SAGAS_READ("sagas:read"),
    /** Read {@code /metrics} and the analytics exports: rates, failures and elements, not files. */
    METRICS_READ("metrics:read"),
    /** Send saga participant commands: delete and transfer files on a coordinator's behalf, with its vector clock. */
    SAGAS_PARTICIPATE("sagas:participate"),
    /** Send the vector-clock header: it reaches the instance's clock and every event stamped after it. */
    CLOCKS_SEND("clocks:send"),
    ADMIN("admin");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The permission of that name; empty for a name this version does not know. */
    public static Optional<Permission> find(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.wireName.equals(wanted)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
