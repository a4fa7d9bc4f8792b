package dev.braid.server.pipelines;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/** Versions are immutable: this repository can insert and read them, nothing else. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface VersionRepository extends GenericRepository<VersionRow, Long> {

    VersionRow save(VersionRow version);

    Optional<VersionRow> findByPipelineAndVersionNumber(String pipeline, int versionNumber);

    List<VersionRow> findByPipelineOrderByVersionNumber(String pipeline);

    @Query("SELECT * FROM pipeline_versions WHERE pipeline = :pipeline ORDER BY version_number DESC LIMIT 1")
    Optional<VersionRow> newest(String pipeline);

    long countByPipeline(String pipeline);
}
