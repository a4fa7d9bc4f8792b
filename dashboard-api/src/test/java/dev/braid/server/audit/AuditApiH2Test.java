package dev.braid.server.audit;

import dev.braid.server.pipelines.TestDatabase;

class AuditApiH2Test extends AuditApiContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
