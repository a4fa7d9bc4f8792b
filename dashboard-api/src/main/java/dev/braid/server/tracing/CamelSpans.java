package dev.braid.server.tracing;

import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * A span per pipeline step and per {@code model:} call, from Camel's sending/sent events. The
 * current span travels on the exchange as an immutable {@link Frame} property, never in a thread
 * local: Camel copies properties into every multicast branch, so a branch on another thread
 * finds its parallel step's span as its parent, and each exchange restores its own frame when a
 * send completes. Only the first step of an invocation takes its parent from
 * {@link Context#current()}: that send happens synchronously on the thread that called
 * {@code invoke} with the invocation span current.
 */
final class CamelSpans extends EventNotifierSupport {

    static final String FRAME = "BraidTraceFrame";

    /** The span a send opened, the frame it replaced, and what it was for. */
    record Frame(Span span, Context context, Frame parent, String uri, String stepId, boolean model) {}

    private final Tracer tracer;
    private final boolean recordContent;

    CamelSpans(Tracer tracer, boolean recordContent) {
        this.tracer = tracer;
        this.recordContent = recordContent;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
            sending(sending.getExchange(), sending.getEndpoint());
        } else if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            sent(sent.getExchange(), sent.getEndpoint());
        }
    }

    private void sending(Exchange exchange, Endpoint endpoint) {
        PipelineContext ctx = exchange.getProperty(PipelineContext.EXCHANGE_PROPERTY, PipelineContext.class);
        if (ctx == null) {
            return; // not a pipeline's exchange
        }
        String uri = endpoint.getEndpointUri();
        Frame current = exchange.getProperty(FRAME, Frame.class);
        if (current == null) {
            // the invocation's first send, on the invoking thread: remember its context as the base
            // frame, so steps after a parallel step (which may continue on a branch's thread) find it
            current = new Frame(null, Context.current(), null, null, null, false);
        }
        Context parent = current.context();
        String stepPrefix = "direct://braid." + ctx.pipeline() + ".v" + ctx.version() + ".";
        String altPrefix = "direct:braid." + ctx.pipeline() + ".v" + ctx.version() + ".";
        Span span;
        Frame frame;
        if (uri.startsWith(stepPrefix) || uri.startsWith(altPrefix)) {
            String stepId = uri.substring(uri.startsWith(stepPrefix) ? stepPrefix.length() : altPrefix.length());
            span = tracer.spanBuilder("step " + stepId).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                    .setAttribute(GenAi.PIPELINE, ctx.pipeline())
                    .setAttribute(GenAi.VERSION, (long) ctx.version())
                    .setAttribute(GenAi.STEP, stepId)
                    .startSpan();
            frame = new Frame(span, parent.with(span), current, uri, stepId, false);
        } else if (uri.startsWith("model:") || uri.startsWith("model://")) {
            String operation = operation(endpoint);
            span = tracer.spanBuilder(operation).setParent(parent).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(GenAi.OPERATION, operation)
                    .startSpan();
            frame = new Frame(span, parent.with(span), current, uri, current.stepId(), true);
        } else {
            return;
        }
        exchange.setProperty(FRAME, frame);
    }

    private void sent(Exchange exchange, Endpoint endpoint) {
        Frame frame = exchange.getProperty(FRAME, Frame.class);
        if (frame == null || frame.span() == null || !frame.uri().equals(endpoint.getEndpointUri())) {
            return;
        }
        exchange.setProperty(FRAME, frame.parent());
        PipelineContext ctx = exchange.getProperty(PipelineContext.EXCHANGE_PROPERTY, PipelineContext.class);
        Span span = frame.span();
        StepResult result = ctx == null || frame.stepId() == null ? null : ctx.result(frame.stepId());
        if (frame.model() && result != null) {
            if (result.model() != null) {
                String model = result.model();
                int slash = model.indexOf('/');
                span.setAttribute(GenAi.SYSTEM, slash > 0 ? model.substring(0, slash) : model);
                // the target that answered: routing may have tried others first
                span.setAttribute(GenAi.REQUEST_MODEL, slash > 0 ? model.substring(slash + 1) : model);
                span.setAttribute(GenAi.RESPONSE_MODEL, slash > 0 ? model.substring(slash + 1) : model);
                span.updateName(operation(endpoint) + " " + model.substring(slash + 1));
            }
            if (result.usage() != null) {
                span.setAttribute(GenAi.INPUT_TOKENS, result.usage().promptTokens());
                span.setAttribute(GenAi.OUTPUT_TOKENS, result.usage().completionTokens());
                span.setAttribute(GenAi.COST, result.usage().costUsd());
            }
            Object output = ctx.output(frame.stepId());
            if (output instanceof Map<?, ?> map) {
                if (map.get("finishReason") instanceof String reason) {
                    span.setAttribute(GenAi.FINISH_REASONS, List.of(reason));
                }
                if (recordContent && map.get("text") instanceof String text) {
                    span.setAttribute(GenAi.COMPLETION, text);
                }
            }
        } else if (result != null) {
            span.setAttribute(GenAi.STEP_STATUS, result.status());
        }
        boolean failed = exchange.getException() != null
                || (result != null && result.outcome().failed());
        if (failed) {
            span.setStatus(StatusCode.ERROR, result != null && result.error() != null ? result.status() : "failed");
        }
        span.end();
    }

    private static String operation(Endpoint endpoint) {
        String uri = endpoint.getEndpointUri();
        String rest = uri.substring(uri.indexOf(':') + 1).replaceFirst("^//", "");
        int q = rest.indexOf('?');
        String task = q < 0 ? rest : rest.substring(0, q);
        return switch (task) {
            case "chat", "vision" -> "chat";
            case "embeddings" -> "embeddings";
            default -> task;
        };
    }
}
