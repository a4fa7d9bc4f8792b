package dev.braid.server.invoke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.runtime.InvokeOptions;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.limits.RequestSpend;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.http.RequestIds;
import dev.braid.server.http.EventStream;
import dev.braid.server.tracing.BraidTracing;
import dev.braid.server.usage.UsageCapture;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /v1/pipelines/{name}/invoke}: runs a pipeline and answers with its envelope. The
 * stage the runtime returns is handed to Micronaut as is, so no thread waits on a model.
 */
@Controller("/v1/pipelines")
public final class InvokeController {

    private final PipelineRuntime runtime;
    private final ObjectMapper json;
    private final UsageCapture usage;
    private final BraidTracing tracing;

    public InvokeController(PipelineRuntime runtime, ObjectMapper json, UsageCapture usage, BraidTracing tracing) {
        this.runtime = runtime;
        this.json = json;
        this.usage = usage;
        this.tracing = tracing;
    }

    @Post(uri = "/{name}/invoke", consumes = MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    public CompletionStage<MutableHttpResponse<?>> invoke(
            @PathVariable String name,
            @Nullable @QueryValue("version") Integer version,
            @Body InvokeRequest body,
            HttpRequest<?> request) {
        ApiProblem refused = check(body, version);
        if (refused != null) {
            return CompletableFuture.completedFuture(ErrorResponses.render(request, refused));
        }
        Integer pinned = body.version() != null ? body.version() : version;
        // what a failed run did before failing: its finished steps are recorded and billed
        AtomicReference<InvocationResult> failedRun = new AtomicReference<>();
        InvokeOptions options = new InvokeOptions(pinned, RequestIds.of(request), failedRun::set);
        if (Boolean.TRUE.equals(body.stream())) {
            return stream(name, body.input(), options, failedRun, request);
        }
        CompletionStage<MutableHttpResponse<?>> answer;
        long started = UsageCapture.start();
        try {
            answer = tracing.invocation(request, name, () -> runtime.invoke(name, body.input(), options))
                    .whenComplete((result, error) -> {
                        InvocationResult ran = error == null ? result : failedRun.get();
                        usage.invocation(request, "invoke", name, started, ran, error, null);
                        RequestSpend.of(request).settle(ran == null ? null : ran.usage());
                    })
                    .thenApply(result -> HttpResponse.ok(InvokeResponse.of(result)));
        } catch (RuntimeException e) {
            // the runtime should fail the stage, but an early throw must get the same answer
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(error -> ErrorResponses.of(request, error));
    }

    /**
     * {@code stream: true}: {@code event: delta} ({@code {"step","text"}}) for every text delta of
     * the pipeline's {@code stream:} step, then {@code event: done} with the envelope. A pipeline
     * without {@code stream:} answers with the single {@code done} event. A failure before the
     * first event is a plain HTTP error (its status says whose fault it is); after it, an
     * {@code event: error} with the OpenAI-shaped error object ends the stream.
     */
    private CompletionStage<MutableHttpResponse<?>> stream(String name, Object input, InvokeOptions options,
            AtomicReference<InvocationResult> failedRun, HttpRequest<?> request) {
        EventStream events = new EventStream(request);
        RequestSpend spend = RequestSpend.of(request);
        spend.streaming();
        long started = UsageCapture.start();
        AtomicLong firstDeltaMs = new AtomicLong(-1);
        try {
            tracing.invocation(request, name, () -> runtime.invokeStreaming(name, input, options, delta -> {
                        firstDeltaMs.compareAndSet(-1, (System.nanoTime() - started) / 1_000_000);
                        spend.produced(delta.text());
                        if (events.isCancelled()) {
                            // the model router aborts the provider call when its sink throws
                            throw new CancellationException("the client closed the stream");
                        }
                        events.named("delta", write(new DeltaEvent(delta.stepId(), delta.text())));
                    }))
                    .whenComplete((result, error) -> {
                        long first = firstDeltaMs.get();
                        InvocationResult ran = error == null ? result : failedRun.get();
                        usage.invocation(request, "invoke", name, started, ran,
                                events.isCancelled() && error != null ? new CancellationException() : error,
                                first < 0 ? null : first);
                        // settled before the last event goes out: a caller that saw it sees the spend
                        if (error == null) {
                            spend.settle(result.usage());
                        } else {
                            spend.failed(ran == null ? null : ran.usage(), events.isOpen());
                        }
                        if (events.isCancelled()) {
                            events.end(); // nobody to tell, and not an error of ours
                        } else if (error == null) {
                            events.named("done", write(InvokeResponse.of(result)));
                        } else if (!events.failBeforeOpen(error)) {
                            ApiProblem problem = ErrorResponses.problem(request, error, 500);
                            events.named("error", write(new ErrorBody(new ErrorBody.Detail(problem.type(),
                                    problem.code(), problem.message(), problem.param(), problem.errors()))));
                        }
                        events.end();
                    });
        } catch (RuntimeException e) {
            spend.release();
            events.failBeforeOpen(e);
        }
        return events.response();
    }

    /** The data of an {@code event: delta}. */
    record DeltaEvent(String step, String text) {}

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event did not serialize", e);
        }
    }

    /** Refusals about the body's shape that need no pipeline; null when the body is fine. */
    private static ApiProblem check(InvokeRequest body, Integer queryVersion) {
        if (body.input() == null) {
            return ApiProblem.of(400, "invalid_request", "the body must have an \"input\" object", "input");
        }
        if (!(body.input() instanceof Map<?, ?>)) {
            return ApiProblem.of(400, "invalid_request", "\"input\" must be a JSON object", "input");
        }
        if (body.version() != null && queryVersion != null && !body.version().equals(queryVersion)) {
            return ApiProblem.of(
                    400, "invalid_request", "the body and the query string pin different versions", "version");
        }
        Integer pinned = body.version() != null ? body.version() : queryVersion;
        if (pinned != null && pinned < 1) {
            return ApiProblem.of(400, "invalid_request", "\"version\" must be 1 or more", "version");
        }
        return null;
    }
}
