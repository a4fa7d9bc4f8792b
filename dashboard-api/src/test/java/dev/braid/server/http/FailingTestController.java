package dev.braid.server.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Test-only endpoints that fail the way a bug would, to show what a caller gets for a 500. */
@Requires(env = "test")
@Controller("/test/failures")
class FailingTestController {

    static final String SECRET = "sk-test-secret-in-a-bug";

    @Get("/thrown")
    String thrown() {
        throw new IllegalStateException("bug holding " + SECRET);
    }

    @Get("/async")
    CompletionStage<String> async() {
        return CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("async bug holding " + SECRET);
        });
    }
}
