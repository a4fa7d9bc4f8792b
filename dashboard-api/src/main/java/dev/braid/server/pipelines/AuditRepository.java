package dev.braid.server.pipelines;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;

/** The audit trail: append and read. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AuditRepository extends GenericRepository<AuditRow, Long> {

    AuditRow save(AuditRow event);

    List<AuditRow> findByPipelineOrderById(String pipeline);
}
