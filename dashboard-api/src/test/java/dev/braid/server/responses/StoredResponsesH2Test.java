package dev.braid.server.responses;

import dev.braid.server.pipelines.TestDatabase;

class StoredResponsesH2Test extends StoredResponsesContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
