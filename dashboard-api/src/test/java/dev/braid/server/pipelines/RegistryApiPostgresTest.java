package dev.braid.server.pipelines;


/**
 * The registry contract on PostgreSQL (Testcontainers, or the local server at 127.0.0.1:5432),
 * a fresh database per class. Fails, never skips, when no PostgreSQL is reachable.
 */
class RegistryApiPostgresTest extends RegistryApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
