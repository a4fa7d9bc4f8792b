package dev.braid.server.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.access.ApiKey;
import dev.braid.server.access.AuthConfiguration;
import dev.braid.server.access.KeyStore;
import dev.braid.server.calls.Caller;
import dev.braid.server.calls.Source;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.invoke.PipelineCalls;
import dev.braid.server.limits.KeyLimits;
import dev.braid.server.openai.OpenAiCalls;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;

/**
 * Runs one batch line as the live call on its endpoint would run, under the batch creator's key:
 * the key's request rate ({@link KeyLimits}), then the front door's own checks, scopes, routing
 * and paid-call metering ({@code calls.MeteredCalls}: budgets reserved and settled, usage rows
 * with {@code source: batch}). Completes with the status and body the live call would have
 * answered; never fails.
 */
@Singleton
public class LineRunner {

    /** The answer to one line: a 2xx with the live body, or an error with the live error body. */
    public record Outcome(int status, JsonNode body, @Nullable String code, @Nullable Duration retryAfter) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final OpenAiCalls openai;
    private final PipelineCalls pipelines;
    private final KeyStore keys;
    private final KeyLimits limits;
    private final boolean authEnabled;
    private final ObjectMapper json;

    public LineRunner(OpenAiCalls openai, PipelineCalls pipelines, KeyStore keys, KeyLimits limits,
            AuthConfiguration auth, ObjectMapper json) {
        this.openai = openai;
        this.pipelines = pipelines;
        this.keys = keys;
        this.limits = limits;
        this.authEnabled = auth.enabled();
        this.json = json;
    }

    public CompletionStage<Outcome> run(Batch batch, BatchStore.Claimed line, String requestId) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            ApiKey key = null;
            if (batch.ownerKey() != null) {
                Optional<ApiKey> found = keys.byId(batch.ownerKey());
                if (found.isPresent() && !found.get().revoked()) {
                    key = found.get();
                } else if (authEnabled) {
                    outcome.complete(problem(ApiProblem.of(401, "invalid_api_key",
                            "the batch's API key is unknown or revoked")));
                    return outcome;
                }
            }
            ApiKey caller = key;
            CompletionStage<ApiProblem> admitted = caller == null ? CompletableFuture.completedFuture(null)
                    : limits.admit(caller.quota());
            admitted.whenComplete((limited, error) -> {
                if (error != null) {
                    outcome.complete(failure(requestId, error));
                } else if (limited != null) {
                    outcome.complete(problem(limited));
                } else {
                    call(batch, line, requestId, caller).whenComplete((body, failed) ->
                            outcome.complete(failed == null ? new Outcome(200, body, null, null) : failure(requestId, failed)));
                }
            });
        } catch (RuntimeException e) {
            outcome.complete(failure(requestId, e));
        }
        return outcome;
    }

    private CompletionStage<JsonNode> call(Batch batch, BatchStore.Claimed line, String requestId, ApiKey key) {
        JsonNode body;
        try {
            body = json.readTree(line.body());
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e); // validated on create: cannot happen
        }
        Caller caller = new Caller(requestId, key == null ? batch.ownerKey() : key.id(), key == null ? null : key.quota(),
                Map.of());
        long bytes = line.body().length();
        String endpoint = batch.endpoint();
        if ("/v1/chat/completions".equals(endpoint)) {
            return openai.chat(caller, Source.BATCH, key, body, bytes);
        }
        if ("/v1/embeddings".equals(endpoint)) {
            return openai.embeddings(caller, Source.BATCH, key, body);
        }
        Matcher m = BatchValidator.PIPELINE_ENDPOINT.matcher(endpoint);
        if (!m.matches()) {
            return CompletableFuture.failedFuture(new IllegalStateException("unknown batch endpoint"));
        }
        return pipelines.invoke(caller, Source.BATCH, key, m.group(1), body, bytes);
    }

    private Outcome failure(String requestId, Throwable error) {
        return problem(ErrorResponses.problem(requestId, "batch line " + requestId, error));
    }

    private Outcome problem(ApiProblem p) {
        ErrorBody body = new ErrorBody(new ErrorBody.Detail(p.type(), p.code(), p.message(), p.param(), p.errors()));
        return new Outcome(p.status(), json.valueToTree(body), p.code(), p.retryAfter());
    }
}
