package io.flowplane.controlplane.auth;

import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.model.Role;
import java.util.Set;
import java.util.UUID;

/** The caller behind an API key. An empty pool set means every pool. */
public record Principal(UUID keyId, String name, Role role, Set<String> pools) {

    public boolean may(Permission permission) {
        return role.grants(permission);
    }

    public boolean mayUsePool(String pool) {
        return pools.isEmpty() || pools.contains(pool);
    }
}
