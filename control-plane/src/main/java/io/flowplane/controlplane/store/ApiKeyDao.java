package io.flowplane.controlplane.store;

import io.flowplane.controlplane.model.ApiKey;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** API keys, stored as hashes. */
public interface ApiKeyDao {
    String COLUMNS = "id, name, prefix, key_hash, role, pools, created_at, revoked_at";

    @SqlUpdate("INSERT INTO api_keys (" + COLUMNS + ") VALUES (:id, :name, :prefix, :keyHash, :role, :pools, "
            + ":createdAt, :revokedAt)")
    void insert(@BindMethods ApiKey key);

    @SqlQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :hash")
    Optional<ApiKey> findByHash(@Bind("hash") String hash);

    @SqlQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id")
    Optional<ApiKey> find(@Bind("id") UUID id);

    @SqlQuery("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")
    List<ApiKey> list();

    @SqlQuery("SELECT COUNT(*) FROM api_keys")
    long count();

    @SqlUpdate("UPDATE api_keys SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
    int revoke(@Bind("id") UUID id, @Bind("at") Instant at);
}
