package dev.braid.server.calls;

import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.runtime.InvokeOptions;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.engine.run.StepDelta;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ProblemException;
import dev.braid.server.limits.BudgetGate;
import dev.braid.server.limits.LimitMetrics;
import dev.braid.server.limits.RequestSpend;
import dev.braid.server.models.ChatModels;
import dev.braid.server.requestlog.RequestTexts;
import dev.braid.server.tracing.BraidTracing;
import dev.braid.server.usage.UsageCapture;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Every paid call, whatever its front door: a pipeline run or a routed model call, answered at
 * once or streamed. Each call goes through the same five stages, in this order:
 * <ol>
 *   <li><b>reserve</b>: the worst case under the key's and the pipeline's budgets
 *       ({@link BudgetGate}); a refusal (429 {@code budget_exceeded}, 503 {@code limits_unavailable})
 *       is counted and the call never starts;
 *   <li><b>trace</b>: an invocation or model-call span, child of the caller's trace context;
 *   <li><b>call</b>: the runtime or the model router; nothing here waits on a model;
 *   <li><b>record</b>: usage rows ({@link UsageCapture}), a failed run's finished steps included;
 *   <li><b>settle</b>: the spend ends once ({@link RequestSpend}) at the actual cost, the cost of
 *       what a failed run's finished steps used (and, for a broken stream, what it produced), or
 *       nothing, before the caller sees the answer's end.
 * </ol>
 * A call that answers at once returns a stage failing with what the front door renders (a
 * {@link ProblemException} for a refusal); a streamed one hands its pieces and its end to a
 * {@link CallStream}.
 */
@Singleton
public class MeteredCalls {

    private final PipelineRuntime runtime;
    private final ChatModels models;
    private final BudgetGate budgets;
    private final LimitMetrics limitMetrics;
    private final UsageCapture usage;
    private final BraidTracing tracing;
    private final RequestTexts texts;

    public MeteredCalls(PipelineRuntime runtime, ChatModels models, BudgetGate budgets,
            LimitMetrics limitMetrics, UsageCapture usage, BraidTracing tracing, RequestTexts texts) {
        this.texts = texts;
        this.runtime = runtime;
        this.models = models;
        this.budgets = budgets;
        this.limitMetrics = limitMetrics;
        this.usage = usage;
        this.tracing = tracing;
    }

    /**
     * Runs a pipeline and completes with its envelope.
     *
     * @param version a pinned version, or null for the active one
     * @param requestBytes the request body's size (bounds the prompt in the budget's worst case)
     */
    public CompletionStage<InvocationResult> invoke(
            Caller caller, Source source, String pipeline, Integer version, Object input, long requestBytes) {
        RequestSpend spend = open(caller);
        return reserved(spend, s -> budgets.reserve(s, caller.quota(), pipeline, requestBytes)).thenCompose(go -> {
            // what a failed run did before failing: its finished steps are recorded and billed
            AtomicReference<InvocationResult> failedRun = new AtomicReference<>();
            InvokeOptions options = new InvokeOptions(version, caller.requestId(), failedRun::set);
            long started = UsageCapture.start();
            return tracing.invocation(caller.traceHeaders(), caller.requestId(), pipeline,
                            () -> runtime.invoke(pipeline, input, options))
                    .whenComplete((result, error) -> {
                        InvocationResult ran = error == null ? result : failedRun.get();
                        usage.invocation(caller.requestId(), caller.keyId(), source.wire(), pipeline, started, ran,
                                error, null);
                        texts.offer(caller.requestId(), input, error == null ? result.output() : null, 2 * requestBytes);
                        spend.settle(ran == null ? null : ran.usage());
                    });
        });
    }

    /**
     * A release's shadow run: {@code pipeline}'s {@code version} (the candidate) on the input a caller's
     * call already answered, billed to the pipeline's budget only (never the caller's key: the caller
     * asked for one answer), recorded with {@code shadow: true} and whether {@code sameAsAnswer} found
     * its output equal to the answer's. A refusal (the pipeline's budget is spent) skips it. Completes
     * when it is recorded; never fails.
     */
    public CompletionStage<Void> shadow(Caller caller, Source source, String pipeline, int version, Object input,
            long requestBytes, java.util.function.Predicate<Object> sameAsAnswer) {
        RequestSpend spend = budgets.open(null);
        String requestId = caller.requestId() + ":shadow";
        return reserved(spend, s -> budgets.reserve(s, null, pipeline, requestBytes)).thenCompose(go -> {
            AtomicReference<InvocationResult> failedRun = new AtomicReference<>();
            InvokeOptions options = new InvokeOptions(version, requestId, failedRun::set);
            long started = UsageCapture.start();
            CompletionStage<InvocationResult> run;
            try {
                run = runtime.invoke(pipeline, input, options);
            } catch (RuntimeException e) {
                run = CompletableFuture.failedFuture(e);
            }
            return run.handle((result, error) -> {
                InvocationResult ran = error == null ? result : failedRun.get();
                Boolean match = error == null ? sameAsAnswer.test(result.output()) : null;
                usage.shadowInvocation(requestId, caller.keyId(), source.wire(), pipeline, started, ran, error, match);
                spend.settle(ran == null ? null : ran.usage());
                return (Void) null;
            });
        }).exceptionally(refused -> null);
    }

    /**
     * Runs a pipeline, streaming the text deltas of its {@code stream:} step to {@code stream},
     * then its envelope. A failure before the first delta (a refusal, an unknown pipeline) reaches
     * {@link CallStream#fail} while nothing was sent.
     */
    public void invokeStreaming(Caller caller, Source source, String pipeline, Integer version, Object input,
            long requestBytes, CallStream<StepDelta, InvocationResult> stream) {
        RequestSpend spend = open(caller);
        reserved(spend, s -> budgets.reserve(s, caller.quota(), pipeline, requestBytes)).whenComplete((go, refused) -> {
            if (refused != null) {
                stream.fail(refused);
                return;
            }
            long started = UsageCapture.start();
            AtomicLong firstDeltaMs = new AtomicLong(-1);
            AtomicReference<InvocationResult> failedRun = new AtomicReference<>();
            InvokeOptions options = new InvokeOptions(version, caller.requestId(), failedRun::set);
            try {
                tracing.invocation(caller.traceHeaders(), caller.requestId(), pipeline,
                                () -> runtime.invokeStreaming(pipeline, input, options, delta -> {
                                    firstDeltaMs.compareAndSet(-1, (System.nanoTime() - started) / 1_000_000);
                                    spend.produced(delta.text());
                                    stream.delta(delta);
                                }))
                        .whenComplete((result, error) -> {
                            long first = firstDeltaMs.get();
                            InvocationResult ran = error == null ? result : failedRun.get();
                            // a client that left fails the run with whatever its abort caused: it is a cancellation
                            usage.invocation(caller.requestId(), caller.keyId(), source.wire(), pipeline, started, ran,
                                    stream.isCancelled() && error != null ? new CancellationException() : error,
                                    first < 0 ? null : first);
                            texts.offer(caller.requestId(), input, error == null ? result.output() : null, 2 * requestBytes);
                            // settled before the last event goes out: a caller that saw it sees the spend
                            if (error == null) {
                                spend.settle(result.usage());
                                stream.complete(result);
                            } else {
                                spend.failed(ran == null ? null : ran.usage(), stream.isOpen());
                                stream.fail(error);
                            }
                        });
            } catch (RuntimeException e) {
                spend.release();
                stream.fail(e);
            }
        });
    }

    /**
     * A chat call routed by {@code policy} (a provider model or an alias), answered at once.
     *
     * @param model the name the caller asked for ({@code provider/model} or an alias), as usage rows show it
     * @param requestBytes the request body's size (the prompt's estimate in the budget's worst case)
     */
    public CompletionStage<ModelResponse> chat(Caller caller, Source source, String model, RoutingPolicy policy,
            ModelRequest request, long requestBytes) {
        RequestSpend spend = open(caller);
        return reserved(spend, s -> budgets.reserveModelCall(s, caller.quota(), policy.targets(),
                        request.options().maxTokens(), requestBytes))
                .thenCompose(go -> routed(caller, source, model, request, policy, spend));
    }

    /** A chat call routed by {@code policy}, its deltas streamed; fallback only before the first one. */
    public void chatStreaming(Caller caller, Source source, String model, RoutingPolicy policy, ModelRequest request,
            long requestBytes, CallStream<ModelDelta, ModelResponse> stream) {
        RequestSpend spend = open(caller);
        reserved(spend, s -> budgets.reserveModelCall(s, caller.quota(), policy.targets(),
                        request.options().maxTokens(), requestBytes))
                .whenComplete((go, refused) -> {
                    if (refused != null) {
                        stream.fail(refused);
                        return;
                    }
                    long started = UsageCapture.start();
                    try {
                        tracing.modelCall(caller.traceHeaders(), caller.requestId(), source.wire(), model, request,
                                () -> models.stream(request, policy, delta -> {
                                    spend.produced(delta);
                                    stream.delta(delta);
                                })).whenComplete((r, error) -> {
                            usage.modelCall(caller.requestId(), caller.keyId(), source.wire(), model, started, r, error);
                            offerChat(caller, request, r);
                            // settled before the last chunk goes out: a caller that saw it sees the spend.
                            // Braid always asks the upstream for its usage, so r.usage() is the provider's
                            if (error != null) {
                                spend.failed(null, stream.isOpen());
                                stream.fail(error);
                            } else {
                                spend.settle(r.usage());
                                stream.complete(r);
                            }
                        });
                    } catch (RuntimeException e) {
                        spend.release();
                        stream.fail(e);
                    }
                });
    }

    /** Embeddings of {@code inputs} routed by {@code policy}. */
    public CompletionStage<ModelResponse> embeddings(
            Caller caller, Source source, String model, RoutingPolicy policy, List<String> inputs) {
        return embeddings(caller, source, model, policy, ModelRequest.ofInputs(ModelTask.EMBEDDINGS, inputs));
    }

    /**
     * An embeddings request (texts or token ids, {@code dimensions}) routed by {@code policy}. Token-id
     * inputs are reserved at one token per id.
     */
    public CompletionStage<ModelResponse> embeddings(
            Caller caller, Source source, String model, RoutingPolicy policy, ModelRequest request) {
        RequestSpend spend = open(caller);
        List<String> estimate = request.tokenInputs().isEmpty() ? request.inputs()
                : request.tokenInputs().stream().map(ids -> " x".repeat(ids.size())).toList();
        return reserved(spend, s -> budgets.reserveEmbeddings(s, caller.quota(), policy.targets(), estimate))
                .thenCompose(go -> routed(caller, source, model, request, policy, spend));
    }

    private CompletionStage<ModelResponse> routed(Caller caller, Source source, String model, ModelRequest request,
            RoutingPolicy policy, RequestSpend spend) {
        long started = UsageCapture.start();
        return tracing.modelCall(caller.traceHeaders(), caller.requestId(), source.wire(), model, request,
                        () -> models.router().route(request, policy))
                .whenComplete((r, error) -> {
                    usage.modelCall(caller.requestId(), caller.keyId(), source.wire(), model, started, r, error);
                    offerChat(caller, request, r);
                    if (error == null) {
                        spend.settle(r.usage());
                    } else {
                        spend.release(); // providers bill no failed call
                    }
                });
    }

    /** A chat's messages (role and text) and reply, or an embeddings call's inputs, for the request log. */
    private void offerChat(Caller caller, ModelRequest request, ModelResponse response) {
        if (!texts.enabled()) {
            return;
        }
        boolean embeddings = request.task() == ModelTask.EMBEDDINGS;
        List<?> prompt = embeddings ? request.inputs()
                : request.messages().stream().map(m -> java.util.Map.of("role", String.valueOf(m.role()),
                        "content", m.text() == null ? "" : m.text())).toList();
        String answer = response == null || embeddings ? null : response.text();
        long size = (answer == null ? 0 : 2L * answer.length()) + (embeddings
                ? request.inputs().stream().mapToLong(i -> 2L * i.length()).sum()
                : request.messages().stream().mapToLong(m -> m.text() == null ? 0 : 2L * m.text().length()).sum());
        texts.offer(caller.requestId(), prompt, answer, size);
    }

    /** The call's spend; its tokens count toward the key's daily quota when it has one. */
    private RequestSpend open(Caller caller) {
        return budgets.open(caller.quota());
    }

    /**
     * Completes when the call may go ahead (its reservation on {@code spend}); fails with the
     * refusal, counted, otherwise. Whatever goes wrong here ends the spend: nothing ran.
     */
    private CompletionStage<Void> reserved(RequestSpend spend, Function<RequestSpend, CompletionStage<ApiProblem>> reserve) {
        CompletionStage<ApiProblem> decided;
        try {
            decided = reserve.apply(spend);
        } catch (RuntimeException e) {
            decided = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> go = new CompletableFuture<>();
        decided.whenComplete((refused, error) -> {
            if (error != null) {
                spend.release();
                go.completeExceptionally(error);
            } else if (refused != null) {
                limitMetrics.rejected(refused.code());
                spend.release();
                go.completeExceptionally(new ProblemException(refused));
            } else {
                go.complete(null);
            }
        });
        return go;
    }
}
