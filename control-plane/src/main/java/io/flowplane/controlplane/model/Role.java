package io.flowplane.controlplane.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The role an API key carries. Agent keys may be limited to named work pools. */
public enum Role {
    ADMIN(EnumSet.allOf(Permission.class)),
    DEVELOPER(EnumSet.of(Permission.READ, Permission.WRITE, Permission.REPORT)),
    VIEWER(EnumSet.of(Permission.READ)),
    AGENT(EnumSet.of(Permission.POLL, Permission.REPORT));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = permissions;
    }

    /** The name users see and type: "admin", "developer", "viewer", "agent". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean grants(Permission permission) {
        return permissions.contains(permission);
    }

    public static Role ofLabel(String label) {
        for (Role r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + label + "' (expected admin, developer, viewer or agent)");
    }
}
