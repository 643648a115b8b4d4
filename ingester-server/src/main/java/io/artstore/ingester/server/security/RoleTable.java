package io.artstore.ingester.server.security;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Role → permissions. A role the table does not name has no rights at all: the admin module's own validator
 * treats an unknown role as admin, which is the fault this table exists to avoid.
 */
public final class RoleTable {

    private final Map<String, Set<Permission>> roles;

    private RoleTable(Map<String, Set<Permission>> roles) {
        Map<String, Set<Permission>> copy = new LinkedHashMap<>();
        roles.forEach((role, permissions) -> copy.put(role.toLowerCase(Locale.ROOT),
                Set.copyOf(permissions.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(permissions))));
        this.roles = Map.copyOf(copy);
    }

    /**
     * {@code readonly} and {@code auditor} read, and {@code auditor} also reads the metrics; {@code user} also uploads;
     * {@code operator} also deletes, transfers, sends vector clocks and reads the metrics; {@code service} (another
     * ArtStore module) sends saga participant commands and reads sagas; {@code admin} and {@code super_admin} may do
     * everything.
     */
    public static Map<String, Set<Permission>> defaults() {
        Set<Permission> read = EnumSet.of(Permission.FILES_READ, Permission.SAGAS_READ);
        Set<Permission> auditor = EnumSet.copyOf(read);
        auditor.add(Permission.METRICS_READ);
        Set<Permission> user = EnumSet.copyOf(read);
        user.add(Permission.FILES_UPLOAD);
        Set<Permission> operator = EnumSet.copyOf(user);
        operator.addAll(EnumSet.of(Permission.FILES_DELETE, Permission.FILES_TRANSFER, Permission.CLOCKS_SEND,
                Permission.METRICS_READ));
        Map<String, Set<Permission>> table = new LinkedHashMap<>();
        table.put("readonly", read);
        table.put("auditor", auditor);
        table.put("user", user);
        table.put("operator", operator);
        table.put("service", EnumSet.of(Permission.SAGAS_PARTICIPATE, Permission.SAGAS_READ));
        table.put("admin", EnumSet.allOf(Permission.class));
        table.put("super_admin", EnumSet.allOf(Permission.class));
        return table;
    }

    /** The defaults, with each role that {@code overrides} names replaced by its entry. */
    public static RoleTable of(Map<String, Set<Permission>> overrides) {
        Map<String, Set<Permission>> table = new LinkedHashMap<>(defaults());
        overrides.forEach((role, permissions) -> table.put(role.toLowerCase(Locale.ROOT), permissions));
        return new RoleTable(table);
    }

    public Set<Permission> permissions(String role) {
        return roles.getOrDefault(role.toLowerCase(Locale.ROOT), Set.of());
    }

    public Map<String, Set<Permission>> asMap() {
        return roles;
    }
}
