package dev.braid.server.pipelines;


/** The registry contract on H2 (PostgreSQL mode, file database): the default, nothing to install. */
class RegistryApiH2Test extends RegistryApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
