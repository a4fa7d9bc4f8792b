package dev.braid.server.usage;

import dev.braid.server.pipelines.TestDatabase;

class UsageApiH2Test extends UsageApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
