package dev.braid.engine.runtime;

import dev.braid.engine.run.StepStatus;

import dev.braid.engine.run.StepResult;
import dev.braid.engine.run.InvocationException;

import dev.braid.components.mask.MaskVault;
import dev.braid.components.mask.Masker;
import dev.braid.components.step.StepBindings;
import dev.braid.engine.compile.AggregateBinding;
import dev.braid.engine.compile.CamelBinding;
import dev.braid.engine.compile.EnrichBinding;
import dev.braid.engine.compile.FinishBinding;
import dev.braid.engine.compile.ParallelBinding;
import dev.braid.engine.compile.PipelineCompiler;
import dev.braid.engine.run.StepPlan;
import dev.braid.engine.compile.TransformBinding;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.spec.Step;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/** Runs one {@code braid:} operation. Everything but enrich completes synchronously (CPU only). */
final class BraidProducer extends DefaultAsyncProducer {

    private final BraidEndpoint endpoint;
    private final StepBindings bindings;
    private final String key;

    BraidProducer(BraidEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.bindings = endpoint.getComponent().bindings();
        this.key = endpoint.getStep();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            if (endpoint.operation() == BraidOperation.ENRICH) {
                return enrich(exchange, callback);
            }
            PipelineContext ctx = PipelineContext.of(exchange);
            switch (endpoint.operation()) {
                case BEGIN -> ctx.begin(bindings.lookup(key, StepPlan.class).id());
                case WHEN -> when(exchange, ctx);
                case TRANSFORM -> transform(ctx);
                case AGGREGATE -> aggregate(ctx);
                case JOIN -> join(exchange, ctx);
                case FINISH -> finish(exchange, ctx);
                case CAMEL_IN -> exchange.getMessage().setBody(ctx.input());
                case CAMEL_OUT -> camelOut(exchange, ctx);
                case ENRICH -> throw new IllegalStateException("handled above");
            }
        } catch (Exception e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    private void when(Exchange exchange, PipelineContext ctx) {
        StepPlan plan = bindings.lookup(key, StepPlan.class);
        ctx.begin(plan.id());
        boolean enabled;
        try {
            enabled = plan.when() == null || plan.when().test(ctx.view());
        } catch (RuntimeException e) {
            throw new InvocationException.StepFailed(
                    plan.id(), 502, "step_failed", "the when condition of step '" + plan.id() + "' failed: " + e.getMessage());
        }
        exchange.setProperty(PipelineCompiler.STEP_ENABLED_PROPERTY, enabled);
        if (!enabled) {
            ctx.complete(plan.id(), null, new StepResult(plan.id(), StepStatus.SKIPPED, 0, null, null, null));
        }
    }

    private void transform(PipelineContext ctx) {
        TransformBinding b = bindings.lookup(key, TransformBinding.class);
        Object out = evaluate(b.id(), "transform", () -> b.expression().evaluate(ctx.view()));
        ctx.complete(b.id(), out, ok(ctx, b.id()));
    }

    private void aggregate(PipelineContext ctx) {
        AggregateBinding b = bindings.lookup(key, AggregateBinding.class);
        for (String required : b.require()) {
            StepResult r = ctx.result(required);
            if (r != null && r.outcome().failed()) {
                ctx.complete(b.id(), null, new StepResult(b.id(), StepStatus.FAILED, ctx.elapsedMs(b.id()), null, null,
                        "required step '" + required + "' " + (r.outcome() == StepStatus.TIMEOUT ? "timed out" : "failed")));
                throw new InvocationException.StepFailed(b.id(), 502, "required_step_failed",
                        "step '" + b.id() + "' requires step '" + required + "', which "
                                + (r.outcome() == StepStatus.TIMEOUT ? "timed out" : "failed"));
            }
        }
        Object out = evaluate(b.id(), "aggregate", () -> b.expression().evaluate(ctx.view()));
        ctx.complete(b.id(), out, ok(ctx, b.id()));
    }

    private static Object evaluate(String id, String kind, java.util.function.Supplier<Object> body) {
        try {
            return body.get();
        } catch (InvocationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvocationException.StepFailed(
                    id, 502, "step_failed", "the " + kind + " step '" + id + "' failed: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private void join(Exchange exchange, PipelineContext ctx) throws Exception {
        ParallelBinding b = bindings.lookup(key, ParallelBinding.class);
        Map<Integer, Throwable> errors = exchange.getProperty(ParallelStrategy.BRANCH_ERRORS, Map.class);
        exchange.removeProperty(ParallelStrategy.BRANCH_ERRORS);
        exchange.removeProperty(ParallelStrategy.TIMED_OUT);
        Throwable firstError = null;
        String timedOut = null;
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> ids = b.branchIds();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Throwable error = errors == null ? null : errors.get(i);
            if (error != null) {
                ctx.complete(id, null, new StepResult(id, StepStatus.FAILED, ctx.elapsedMs(id), null, null, shortReason(error)));
                if (firstError == null) {
                    firstError = error;
                }
            } else if (ctx.result(id) == null) {
                // no result and no error: the multicast gave up on this branch (it runs on, ignored)
                long ms = b.timeout() == null ? ctx.elapsedMs(id) : b.timeout().toMillis();
                if (ctx.complete(id, null, new StepResult(id, StepStatus.TIMEOUT, ms, null, null,
                        "no answer within " + ms + " ms")) && timedOut == null) {
                    timedOut = id;
                }
            }
            out.put(id, ctx.output(id));
        }
        if (b.onBranchError() == Step.OnBranchError.FAIL) {
            if (firstError != null) {
                ctx.complete(b.id(), null, new StepResult(b.id(), StepStatus.FAILED, ctx.elapsedMs(b.id()), null, null, shortReason(firstError)));
                throw firstError instanceof Exception e ? e : new RuntimeException(firstError);
            }
            if (timedOut != null) {
                long ms = b.timeout() == null ? 0 : b.timeout().toMillis();
                ctx.complete(b.id(), null, new StepResult(b.id(), StepStatus.FAILED, ctx.elapsedMs(b.id()), null, null,
                        "branch '" + timedOut + "' timed out"));
                throw new InvocationException.StepFailed(b.id(), 504, "branch_timeout",
                        "branch '" + timedOut + "' of step '" + b.id() + "' gave no answer within " + ms + " ms");
            }
        }
        ctx.complete(b.id(), out, ok(ctx, b.id()));
    }

    private void finish(Exchange exchange, PipelineContext ctx) {
        FinishBinding b = bindings.lookup(key, FinishBinding.class);
        Object output = ctx.output(b.lastStepId());
        if (b.restore()) {
            // originals go back into the final output only; every step before saw placeholders
            Optional<MaskVault> vault = MaskVault.find(exchange);
            if (vault.isPresent()) {
                output = vault.get().restoreDeep(output);
            }
        }
        if (!b.outputMaskers().isEmpty()) {
            // after restore, so output masking wins: a restored original is masked again
            MaskVault out = MaskVault.of(exchange).outputVault();
            for (Masker masker : b.outputMaskers()) {
                output = masker.maskDeep(output, out);
            }
        }
        exchange.getMessage().setBody(output);
    }

    private void camelOut(Exchange exchange, PipelineContext ctx) {
        CamelBinding b = bindings.lookup(key, CamelBinding.class);
        ctx.complete(b.id(), exchange.getMessage().getBody(), ok(ctx, b.id()));
    }

    private boolean enrich(Exchange exchange, AsyncCallback callback) {
        PipelineContext ctx;
        EnrichBinding b;
        HttpRequest request;
        URI uri;
        try {
            ctx = PipelineContext.of(exchange);
            b = bindings.lookup(key, EnrichBinding.class);
            Function<String, Object> roots = ctx.roots();
            String url = b.renderUrl(roots);
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new InvocationException.StepFailed(b.id(), 502, "enrich_failed",
                        "enrich step '" + b.id() + "' rendered an invalid URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new InvocationException.StepFailed(b.id(), 502, "enrich_refused",
                        "enrich step '" + b.id() + "' may only call http or https URLs");
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(b.timeout());
            Map<String, String> headers = b.renderHeaders(roots);
            for (Map.Entry<String, String> h : headers.entrySet()) {
                try {
                    rb.header(h.getKey(), h.getValue());
                } catch (IllegalArgumentException e) {
                    // the JDK client refuses restricted headers (Host, Connection, …) and bad values
                    throw new InvocationException.StepFailed(b.id(), 502, "enrich_failed",
                            "enrich step '" + b.id() + "' cannot send header '" + h.getKey() + "'");
                }
            }
            Object body = b.renderBody(roots);
            if (body == null) {
                rb.method(b.method(), HttpRequest.BodyPublishers.noBody());
            } else {
                String text = body instanceof String s ? s : endpoint.getComponent().json().writeValueAsString(body);
                rb.method(b.method(), HttpRequest.BodyPublishers.ofString(text));
                if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
                    rb.header("Content-Type", "application/json");
                }
            }
            if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("accept"))) {
                rb.header("Accept", "application/json");
            }
            request = rb.build();
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        final PipelineContext c = ctx;
        final EnrichBinding eb = b;
        endpoint.getComponent().enrichPolicy().check(uri)
                .thenCompose(v -> endpoint.getComponent().http().sendAsync(request, EnrichBodies.limited())
                        // the request timeout ends at the headers; this one bounds the body too
                        .orTimeout(eb.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .whenComplete((response, failure) -> {
                    try {
                        if (failure != null) {
                            exchange.setException(enrichFailure(eb, failure));
                        } else {
                            Object value = parse(eb, response);
                            if (value != null) {
                                c.vars().put(eb.id(), value);
                            }
                            c.complete(eb.id(), value, ok(c, eb.id()));
                        }
                    } catch (Exception e) {
                        exchange.setException(e);
                    } finally {
                        callback.done(false);
                    }
                });
        return false;
    }

    private Object parse(EnrichBinding b, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status <= 299 && response.body() == null
                && response.headers().firstValueAsLong("Content-Length").orElse(-1) > EnrichBodies.MAX_BYTES) {
            throw tooLarge(b);
        }
        if (status < 200 || status > 299) {
            throw new InvocationException.StepFailed(b.id(), 502, "enrich_failed",
                    "enrich step '" + b.id() + "' got HTTP " + status);
        }
        String body = response.body();
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return endpoint.getComponent().json().readValue(body, Object.class);
        } catch (Exception e) {
            throw new InvocationException.StepFailed(b.id(), 502, "enrich_failed",
                    "enrich step '" + b.id() + "' got an answer that is not JSON");
        }
    }

    private static Exception enrichFailure(EnrichBinding b, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof InvocationException.StepFailed sf && !sf.stepId().equals(b.id())) {
            // a policy does not know the step's id: name the step that was refused
            return new InvocationException.StepFailed(b.id(), sf.status(), sf.code(),
                    "enrich step '" + b.id() + "': " + sf.getMessage());
        }
        if (cause instanceof InvocationException ie) {
            return ie;
        }
        if (EnrichBodies.isTooLarge(cause)) {
            return tooLarge(b);
        }
        if (cause instanceof HttpTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
            return new InvocationException.StepFailed(b.id(), 504, "enrich_timeout",
                    "enrich step '" + b.id() + "' got no answer within " + b.timeout().toMillis() + " ms");
        }
        return new InvocationException.StepFailed(b.id(), 502, "enrich_failed",
                "enrich step '" + b.id() + "' could not reach its target");
    }

    private static InvocationException.StepFailed tooLarge(EnrichBinding b) {
        return new InvocationException.StepFailed(b.id(), 502, "enrich_failed",
                "enrich step '" + b.id() + "' got an answer larger than " + EnrichBodies.MAX_BYTES + " bytes");
    }

    private static StepResult ok(PipelineContext ctx, String id) {
        return new StepResult(id, StepStatus.OK, ctx.elapsedMs(id), null, null, null);
    }

    private static String shortReason(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
