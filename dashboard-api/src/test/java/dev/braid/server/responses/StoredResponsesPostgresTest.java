package dev.braid.server.responses;

import dev.braid.server.pipelines.TestDatabase;

/** On PostgreSQL (Testcontainers or 127.0.0.1:5432); fails, never skips, without one. */
class StoredResponsesPostgresTest extends StoredResponsesContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
