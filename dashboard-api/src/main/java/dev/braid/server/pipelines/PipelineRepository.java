package dev.braid.server.pipelines;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Pipelines and their active pointers. POSTGRES dialect on purpose: the same compiled SQL runs on
 * PostgreSQL and on H2 in MODE=PostgreSQL (the H2 dialect's backticks do not run on PostgreSQL).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PipelineRepository extends GenericRepository<PipelineRow, String> {

    Optional<PipelineRow> findByName(String name);

    List<PipelineRow> listOrderByName();

    /** Creates the row unless another deploy (here or on another instance) already did. */
    @Query("INSERT INTO pipelines (name, active_version, created_at, updated_at) VALUES (:name, NULL, :at, :at) "
            + "ON CONFLICT DO NOTHING")
    void insertIfAbsent(String name, Instant at);

    /** Locks the row until the transaction ends: changes to one pipeline are serialised. */
    @Query("SELECT * FROM pipelines WHERE name = :name FOR UPDATE")
    Optional<PipelineRow> lock(String name);

    @Query("UPDATE pipelines SET active_version = :version, updated_at = :at WHERE name = :name")
    void updateActive(String name, int version, Instant at);

    @Query("UPDATE pipelines SET updated_at = :at WHERE name = :name")
    void touch(String name, Instant at);
}
