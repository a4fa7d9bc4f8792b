package dev.braid.server.releases;

import dev.braid.server.pipelines.TestDatabase;

class ReleasesPostgresTest extends ReleasesContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
