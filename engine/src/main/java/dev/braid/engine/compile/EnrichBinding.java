package dev.braid.engine.compile;

import dev.braid.engine.template.Template;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An enrich step: an HTTP lookup whose parsed JSON answer becomes {@code steps.<id>} and
 * {@code vars.<id>}. Every string was parsed as a template at deploy; values inserted into the URL
 * are URL-encoded, so input can never change the target's host or path structure.
 */
public final class EnrichBinding {

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
}
