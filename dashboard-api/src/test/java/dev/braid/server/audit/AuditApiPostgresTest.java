package dev.braid.server.audit;

import dev.braid.server.pipelines.TestDatabase;

/** On PostgreSQL (Testcontainers or 127.0.0.1:5432); fails, never skips, without one. */
class AuditApiPostgresTest extends AuditApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
