package dev.braid.server.batch;

import dev.braid.server.pipelines.TestDatabase;

/** The batch contract on H2, in-process workers claiming lines from the database. */
class BatchApiH2Test extends BatchApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
