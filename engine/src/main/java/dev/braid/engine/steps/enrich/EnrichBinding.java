package dev.braid.engine.steps.enrich;

import dev.braid.engine.run.InvocationException;
import dev.braid.engine.run.PipelineContext;
import dev.braid.engine.run.StepOperation;
import dev.braid.engine.run.StepServices;
import dev.braid.engine.template.Template;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * An enrich step: an HTTP lookup whose parsed JSON answer becomes {@code steps.<id>} and
 * {@code vars.<id>}. Every string was parsed as a template at deploy; values inserted into the URL
 * are URL-encoded, so input can never change the target's host or path structure.
 */
public final class EnrichBinding implements StepOperation {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String id;
    private final Template url;
    private final String method;
    private final Map<String, Template> headers;
    private final Object body; // Template, or Maps/Lists holding Templates and plain scalars
    private final Duration timeout;

    EnrichBinding(String id, Template url, String method, Map<String, Template> headers, Object body, Duration timeout) {
        this.id = id;
        this.url = url;
        this.method = method == null ? (body == null ? "GET" : "POST") : method.toUpperCase(java.util.Locale.ROOT);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
        this.body = body;
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** Parses every string of a body as a template, keeping the structure. */
    static Object compileBody(Object raw) {
        if (raw instanceof String s) {
            return Template.parse(s);
        }
        if (raw instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), compileBody(v)));
            return out;
        }
        if (raw instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(compileBody(v)));
            return out;
        }
        return raw;
    }

    public String id() {
        return id;
    }

    public String method() {
        return method;
    }

    public Duration timeout() {
        return timeout;
    }

    public String renderUrl(Function<String, Object> roots) {
        return url.renderEncoded(roots, v -> URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    public Map<String, String> renderHeaders(Function<String, Object> roots) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, t) -> {
            String v = t.renderString(roots);
            out.put(k, v == null ? "" : v);
        });
        return out;
    }

    /** The rendered body (null when there is none); a single-reference template keeps its JSON type. */
    public Object renderBody(Function<String, Object> roots) {
        return render(body, roots);
    }

    private static Object render(Object node, Function<String, Object> roots) {
        if (node instanceof Template t) {
            return t.render(roots);
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), render(v, roots)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(render(v, roots)));
            return out;
        }
        return node;
    }

    // ---- braid:enrich ---------------------------------------------------------------------

    @Override
    public void run(String operation, Exchange exchange, PipelineContext ctx) {
        throw new UnsupportedOperationException("enrich runs asynchronously");
    }

    /** Renders the request, asks the target policy, sends it; the answer completes the step later. */
    @Override
    public boolean runAsync(String operation, Exchange exchange, StepServices services, AsyncCallback callback) {
        PipelineContext ctx;
        HttpRequest request;
        URI uri;
        try {
            ctx = PipelineContext.of(exchange);
            Function<String, Object> roots = ctx.roots();
            String rendered = renderUrl(roots);
            try {
                uri = URI.create(rendered);
            } catch (IllegalArgumentException e) {
                throw new InvocationException.StepFailed(id, 502, "enrich_failed",
                        "enrich step '" + id + "' rendered an invalid URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new InvocationException.StepFailed(id, 422, "enrich_refused",
                        "enrich step '" + id + "' may only call http or https URLs");
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout);
            Map<String, String> renderedHeaders = renderHeaders(roots);
            for (Map.Entry<String, String> h : renderedHeaders.entrySet()) {
                try {
                    rb.header(h.getKey(), h.getValue());
                } catch (IllegalArgumentException e) {
                    // the JDK client refuses restricted headers (Host, Connection, …) and bad values
                    throw new InvocationException.StepFailed(id, 502, "enrich_failed",
                            "enrich step '" + id + "' cannot send header '" + h.getKey() + "'");
                }
            }
            Object renderedBody = renderBody(roots);
            if (renderedBody == null) {
                rb.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                String text = renderedBody instanceof String s ? s : services.json().writeValueAsString(renderedBody);
                rb.method(method, HttpRequest.BodyPublishers.ofString(text));
                if (renderedHeaders.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
                    rb.header("Content-Type", "application/json");
                }
            }
            if (renderedHeaders.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("accept"))) {
                rb.header("Accept", "application/json");
            }
            request = rb.build();
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        final PipelineContext c = ctx;
        services.enrichPolicy().check(uri)
                .thenCompose(v -> services.http().sendAsync(request, EnrichBodies.limited())
                        // the request timeout ends at the headers; this one bounds the body too
                        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .whenComplete((response, failure) -> {
                    try {
                        if (failure != null) {
                            exchange.setException(failure(failure));
                        } else {
                            Object value = parse(services, response);
                            if (value != null) {
                                c.vars().put(id, value);
                            }
                            c.complete(id, value, c.ok(id));
                        }
                    } catch (Exception e) {
                        exchange.setException(e);
                    } finally {
                        callback.done(false);
                    }
                });
        return false;
    }

    private Object parse(StepServices services, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status <= 299 && response.body() == null
                && response.headers().firstValueAsLong("Content-Length").orElse(-1) > EnrichBodies.MAX_BYTES) {
            throw tooLarge();
        }
        if (status < 200 || status > 299) {
            throw new InvocationException.StepFailed(id, 502, "enrich_failed",
                    "enrich step '" + id + "' got HTTP " + status);
        }
        String text = response.body();
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return services.json().readValue(text, Object.class);
        } catch (Exception e) {
            throw new InvocationException.StepFailed(id, 502, "enrich_failed",
                    "enrich step '" + id + "' got an answer that is not JSON");
        }
    }

    private Exception failure(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof InvocationException.StepFailed sf && !sf.stepId().equals(id)) {
            // a policy does not know the step's id: name the step that was refused
            return new InvocationException.StepFailed(id, sf.status(), sf.code(),
                    "enrich step '" + id + "': " + sf.getMessage());
        }
        if (cause instanceof InvocationException ie) {
            return ie;
        }
        if (EnrichBodies.isTooLarge(cause)) {
            return tooLarge();
        }
        if (cause instanceof HttpTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
            return new InvocationException.StepFailed(id, 504, "enrich_timeout",
                    "enrich step '" + id + "' got no answer within " + timeout.toMillis() + " ms");
        }
        return new InvocationException.StepFailed(id, 502, "enrich_failed",
                "enrich step '" + id + "' could not reach its target");
    }

    private InvocationException.StepFailed tooLarge() {
        return new InvocationException.StepFailed(id, 502, "enrich_failed",
                "enrich step '" + id + "' got an answer larger than " + EnrichBodies.MAX_BYTES + " bytes");
    }
}
