package dev.braid.server.releases;

import dev.braid.server.pipelines.TestDatabase;

class ReleasesH2Test extends ReleasesContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
