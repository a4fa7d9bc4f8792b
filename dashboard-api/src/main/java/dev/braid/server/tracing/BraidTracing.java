package dev.braid.server.tracing;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.engine.runtime.PipelineRuntime;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.HttpRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * OpenTelemetry spans for Braid: one per invocation (root, or child of the caller's W3C
 * {@code traceparent}), one per step and per {@code model:} call inside it ({@link CamelSpans}),
 * and one per provider model called directly through {@code /v1}. Exporting is configured by
 * {@code otel.traces.exporter} (none by default). Prompts and completions stay out of spans
 * unless {@code braid.tracing.record-content} is true.
 */
@Singleton
public class BraidTracing implements BeanCreatedEventListener<PipelineRuntime> {

    /** Reads a call's trace headers ({@link #traceHeaders}) as a propagation carrier. */
    private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key.toLowerCase(Locale.ROOT));
        }
    };

    private final Provider<OpenTelemetry> openTelemetry;
    private final TracingConfiguration config;
    private volatile Tracer tracer;

    public BraidTracing(Provider<OpenTelemetry> openTelemetry, TracingConfiguration config) {
        this.openTelemetry = openTelemetry;
        this.config = config;
    }

    /** Hooks step and model spans into the runtime's CamelContext before any pipeline is deployed. */
    @Override
    public PipelineRuntime onCreated(BeanCreatedEvent<PipelineRuntime> event) {
        PipelineRuntime runtime = event.getBean();
        var camel = runtime.camelContext();
        camel.getCamelContextExtension().setEventNotificationApplicable(true);
        CamelSpans spans = new CamelSpans(tracer(), config.recordContent());
        camel.getManagementStrategy().addEventNotifier(spans);
        try {
            spans.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("tracing could not start", e);
        }
        return runtime;
    }

    private Tracer tracer() {
        if (tracer == null) {
            tracer = openTelemetry.get().getTracer("dev.braid");
        }
        return tracer;
    }

    /**
     * The headers of {@code request} that carry trace context (the configured propagators' fields,
     * {@code traceparent} and {@code tracestate} by default), names in lower case: the plain value a
     * paid call takes as its parent, so a call made without an HTTP request can pass one too.
     */
    public Map<String, String> traceHeaders(HttpRequest<?> request) {
        Map<String, String> carried = new HashMap<>();
        for (String field : openTelemetry.get().getPropagators().getTextMapPropagator().fields()) {
            String value = request.getHeaders().get(field);
            if (value != null) {
                carried.put(field.toLowerCase(Locale.ROOT), value);
            }
        }
        return carried;
    }

    private Context parent(Map<String, String> traceHeaders) {
        return openTelemetry.get().getPropagators().getTextMapPropagator()
                .extract(Context.root(), traceHeaders == null ? Map.of() : traceHeaders, HEADERS);
    }

    /**
     * Runs {@code invoke} with an invocation span current (the runtime's first step takes it as
     * its parent on this thread) and ends the span when the stage completes.
     */
    public CompletionStage<InvocationResult> invocation(
            Map<String, String> traceHeaders, String requestId, String pipeline,
            Supplier<CompletionStage<InvocationResult>> invoke) {
        Span span = tracer().spanBuilder("invoke " + pipeline).setParent(parent(traceHeaders))
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(GenAi.PIPELINE, pipeline)
                .setAttribute(GenAi.REQUEST_ID, requestId)
                .startSpan();
        CompletionStage<InvocationResult> stage;
        try (Scope ignored = span.makeCurrent()) {
            stage = invoke.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((result, error) -> {
            if (result != null) {
                span.setAttribute(GenAi.VERSION, (long) result.version());
                if (result.usage() != null) {
                    span.setAttribute(GenAi.INPUT_TOKENS, result.usage().promptTokens());
                    span.setAttribute(GenAi.OUTPUT_TOKENS, result.usage().completionTokens());
                    span.setAttribute(GenAi.COST, result.usage().costUsd());
                }
            } else {
                span.setStatus(StatusCode.ERROR, error == null ? "failed" : error.getClass().getSimpleName());
            }
            span.end();
        });
    }

    /** The conversation as {@code role: text} lines (or the inputs), only when content is recorded. */
    private static String prompt(ModelRequest request) {
        if (request.messages().isEmpty()) {
            return String.join("\n", request.inputs());
        }
        StringBuilder out = new StringBuilder();
        for (Message m : request.messages()) {
            out.append(m.role()).append(": ").append(m.text() == null ? "" : m.text()).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** A provider model called directly through {@code /v1} (chat or embeddings). */
    public CompletionStage<ModelResponse> modelCall(Map<String, String> traceHeaders, String requestId,
            String operation, String requestedModel,
            ModelRequest modelRequest, Supplier<CompletionStage<ModelResponse>> call) {
        int slash = requestedModel.indexOf('/');
        Span span = tracer().spanBuilder(operation + " " + requestedModel).setParent(parent(traceHeaders))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GenAi.OPERATION, operation)
                .setAttribute(GenAi.REQUEST_MODEL, slash > 0 ? requestedModel.substring(slash + 1) : requestedModel)
                .setAttribute(GenAi.REQUEST_ID, requestId)
                .startSpan();
        if (config.recordContent() && modelRequest != null) {
            span.setAttribute(GenAi.PROMPT, prompt(modelRequest));
        }
        CompletionStage<ModelResponse> stage;
        try (Scope ignored = span.makeCurrent()) {
            stage = call.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((r, error) -> {
            if (r != null) {
                span.setAttribute(GenAi.SYSTEM, r.provider());
                span.setAttribute(GenAi.RESPONSE_MODEL, r.model());
                span.setAttribute(GenAi.INPUT_TOKENS, r.usage().promptTokens());
                span.setAttribute(GenAi.OUTPUT_TOKENS, r.usage().completionTokens());
                span.setAttribute(GenAi.COST, r.usage().costUsd());
                if (r.finishReason() != null) {
                    span.setAttribute(GenAi.FINISH_REASONS, List.of(r.finishReason()));
                }
                if (config.recordContent() && r.text() != null) {
                    span.setAttribute(GenAi.COMPLETION, r.text());
                }
            } else {
                span.setStatus(StatusCode.ERROR, error == null ? "failed" : error.getClass().getSimpleName());
            }
            span.end();
        });
    }
}
