package dev.braid.server.pipelines;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;

/** Rejected versions; written only under the pipeline's row lock, so a check-then-insert is safe. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RejectionRepository extends GenericRepository<RejectionRow, Long> {

    RejectionRow save(RejectionRow rejection);

    List<RejectionRow> findByPipeline(String pipeline);

    boolean existsByPipelineAndVersionNumber(String pipeline, int versionNumber);

    void deleteByPipelineAndVersionNumber(String pipeline, int versionNumber);
}
