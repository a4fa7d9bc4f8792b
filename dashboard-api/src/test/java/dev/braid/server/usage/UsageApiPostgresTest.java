package dev.braid.server.usage;

import dev.braid.server.pipelines.TestDatabase;

/** On PostgreSQL (Testcontainers or 127.0.0.1:5432); fails, never skips, without one. */
class UsageApiPostgresTest extends UsageApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
