package dev.braid.engine.runtime;

import dev.braid.components.mask.MaskVault;
import dev.braid.engine.run.DeltaStream;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepDelta;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;

/**
 * Runs one invocation: picks the version (pinned or active, loading a pinned one on demand),
 * checks the input against its schema, sends an exchange carrying a {@link PipelineContext} to the
 * version's entry route, and turns the outcome into an {@link InvocationResult} or a typed failure.
 * Never blocks the calling thread on a model.
 */
final class Invoker {

    /** Loads pinned versions that are not in memory: from {@code source}, on {@code executor}. */
    record OnDemand(VersionSource source, Executor executor) {}

    private final VersionTable versions;
    /** Loads a version's YAML if it is not loaded (the facade's deployIfAbsent). */
    private final BiFunction<String, Integer, DeployedVersion> loader;
    private volatile OnDemand onDemand;

    Invoker(VersionTable versions, BiFunction<String, Integer, DeployedVersion> loader) {
        this.versions = versions;
        this.loader = loader;
    }

    void onDemand(OnDemand onDemand) {
        this.onDemand = onDemand;
    }

    CompletionStage<InvocationResult> run(String name, Object input, InvokeOptions options, Consumer<StepDelta> deltas) {
        InvokeOptions opts = options == null ? InvokeOptions.DEFAULTS : options;
        OnDemand od = onDemand;
        if (opts.version() != null && od != null && versions.open(name, opts.version()).isEmpty()) {
            // a pinned version that is not in memory: load it off this thread, then run as usual
            return loadThen(od, name, opts.version(), () -> run(name, input, opts, deltas));
        }
        LoadedVersion v;
        try {
            v = versions.acquire(name, opts.version());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        try {
            List<String> problems = v.inputCheck.apply(input);
            if (!problems.isEmpty()) {
                throw new InvocationException.InputInvalid(problems);
            }
            PipelineContext ctx = new PipelineContext(name, v.version(), input, v.compiled.stepOrder());
            Exchange exchange = v.entry.createExchange();
            exchange.setProperty(PipelineContext.EXCHANGE_PROPERTY, ctx);
            MaskVault vault = null;
            if (v.masks) {
                // created before any branch copies the exchange, so every branch shares one vault
                vault = MaskVault.of(exchange);
            }
            DeltaStream stream = null;
            String streamStep = v.deployed.spec().stream();
            if (deltas != null && streamStep != null) {
                stream = new DeltaStream(streamStep, deltas, v.restores ? vault : null, v.outputMaskers,
                        vault == null ? null : vault.outputVault());
                exchange.setProperty(DeltaStream.EXCHANGE_PROPERTY, stream);
            }
            DeltaStream opened = stream;
            exchange.getMessage().setBody(input);
            String id = opts.requestId() != null ? opts.requestId() : newId();
            v.producer.processAsync(exchange).whenComplete((done, failure) -> {
                // closed while this request still counts as in flight: forced, past the drain timeout
                boolean retired = v.isClosed();
                versions.release(v);
                Throwable error = failure != null ? failure : exchange.getException();
                if (opened != null && error == null) {
                    opened.flush(); // text a restorer held back when the provider sent no finish
                }
                if (error != null) {
                    logPipelineFault(name, v.version(), id, unwrap(error));
                    reportFailedRun(opts, new InvocationResult(id, name, v.version(), null, ctx.results(),
                            ctx.usage(), ctx.elapsedMs()));
                    result.completeExceptionally(retired ? retiredUnder(v, unwrap(error)) : unwrap(error));
                } else {
                    // braid:finish left the output (restored where a mask step asked) in the body
                    result.complete(new InvocationResult(id, name, v.version(),
                            exchange.getMessage().getBody(), ctx.results(), ctx.usage(), ctx.elapsedMs()));
                }
            });
        } catch (RuntimeException e) {
            versions.release(v);
            result.completeExceptionally(unwrap(e));
        }
        return result;
    }

    /**
     * A request still in flight when its version was force-closed (the drain timeout passed) fails
     * inside Camel when the version's routes go ("not started" processors, rejected work): that is
     * not a bug to answer with 500 but a retired version. Provider and guard failures stay as they are.
     */
    private static Throwable retiredUnder(LoadedVersion v, Throwable error) {
        boolean camelGaveUp = error instanceof IllegalStateException
                || error instanceof java.util.concurrent.RejectedExecutionException
                || error instanceof RuntimeCamelException;
        return camelGaveUp ? new InvocationException.VersionRetired(v.name(), v.version()) : error;
    }

    /**
     * One line per call the pipeline itself failed (its JSONata, a {@code when}, a {@code require}): nobody
     * else is to blame, so its author needs to see it without a provider's failure to hide behind. The
     * message stays out of the log: a JSONata error may quote request data ({@code $error(input.text)});
     * the caller gets it in the response, and the request id ties the two together.
     */
    private static void logPipelineFault(String name, int version, String id, Throwable error) {
        if (error instanceof InvocationException.StepFailed f && f.fault() == InvocationException.Fault.PIPELINE) {
            System.getLogger(PipelineRuntime.class.getName()).log(System.Logger.Level.WARNING,
                    "pipeline " + name + " v" + version + " step " + f.stepId() + " failed (" + f.code() + ") in request "
                            + id);
        }
    }

    /** Hands a failed invocation's finished steps to the caller; a failing listener never hides the failure. */
    private static void reportFailedRun(InvokeOptions opts, InvocationResult run) {
        if (opts.onFailure() == null) {
            return;
        }
        try {
            opts.onFailure().accept(run);
        } catch (RuntimeException e) {
            // the invocation's own failure is what the caller must see; this one is only reported
            System.getLogger(PipelineRuntime.class.getName())
                    .log(System.Logger.Level.WARNING, "the failed-run listener failed: " + e);
        }
    }

    /** Loads a stored version on the source's executor, then runs {@code then}; failures fail the stage. */
    private CompletionStage<InvocationResult> loadThen(
            OnDemand od, String name, int version, Supplier<CompletionStage<InvocationResult>> then) {
        CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        Runnable load = () -> {
            CompletionStage<InvocationResult> call;
            try {
                if (versions.open(name, version).isEmpty()) {
                    String yaml = od.source().yaml(name, version).orElseThrow(() -> new InvocationException.PipelineNotFound(
                            "version " + version + " of pipeline '" + name + "' does not exist", true));
                    DeployedVersion deployed = loader.apply(yaml, version);
                    if (!deployed.name().equals(name)) {
                        throw new InvocationException.PipelineNotFound(
                                "version " + version + " of pipeline '" + name + "' does not exist", true);
                    }
                }
                call = then.get();
            } catch (Throwable e) {
                result.completeExceptionally(unwrap(e));
                return;
            }
            call.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(unwrap(e));
                } else {
                    result.complete(r);
                }
            });
        };
        try {
            od.executor().execute(load);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static String newId() {
        return "inv_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The Braid exception inside Camel's and the JDK's wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CamelExecutionException
                        || current instanceof RuntimeCamelException
                        || current instanceof CompletionException
                        || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
