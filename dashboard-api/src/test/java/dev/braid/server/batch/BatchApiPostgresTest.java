package dev.braid.server.batch;

import dev.braid.server.pipelines.TestDatabase;

/** The batch contract on PostgreSQL (Testcontainers or 127.0.0.1:5432), in-process workers; fails, never skips. */
class BatchApiPostgresTest extends BatchApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
