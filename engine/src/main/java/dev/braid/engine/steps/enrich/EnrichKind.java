package dev.braid.engine.steps.enrich;

import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.EnrichUrlCheck;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Nodes;
import dev.braid.engine.spec.Step;
import dev.braid.engine.template.Template;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code enrich: {url, method, headers, body, timeout}}: an HTTP lookup ({@code braid:enrich}) whose
 * parsed JSON answer becomes {@code steps.<id>} and {@code vars.<id>}. A literal target is judged
 * by the SSRF rules when the pipeline is read; every target again, after DNS, when it is called.
 */
public final class EnrichKind extends StepKind<Step.Enrich> {

    static final String OPERATION = "enrich";
    /** The methods an enrich step may name in YAML. */
    static final List<String> METHODS = List.of("GET", "POST");

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final EnrichUrlCheck urls;

    /** @param urls judges enrich URLs whose scheme and host are literal (SSRF rules) */
    public EnrichKind(EnrichUrlCheck urls) {
        super("enrich", Step.Enrich.class, Set.of(OPERATION));
        this.urls = urls;
    }

    @Override
    public Step.Enrich read(Grammar g, StepSource source) {
        Set<String> before = source.before();
        Fields f = g.fields(source.body(), source.path());
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("url", "method", "headers", "body", "timeout"), g.problems());
        f.require(List.of("url"), g.problems());
        String url = g.template(f, "url", before);
        if (url != null) {
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
                int colon = url.indexOf(':');
                String scheme = colon > 0 && !url.substring(0, colon).contains("{") ? url.substring(0, colon) : null;
                g.error(f.get("url"), f.pathOf("url"), scheme != null
                        ? "URL scheme '" + scheme + "' is not allowed (allowed: http, https)"
                        : "the URL must start with http:// or https://");
            } else {
                literalTarget(url).flatMap(u -> u.getHost() == null
                                // java.net.URI finds no host in "127.1" or "my_host": no request could be sent
                                ? Optional.of("'" + u.getRawAuthority() + "' is not a valid host name")
                                : urls.refusal(u))
                        .ifPresent(reason -> g.error(f.get("url"), f.pathOf("url"), "enrich target refused: " + reason));
            }
        }
        String method = g.oneOf(f, "method", METHODS, "GET");
        Map<String, String> headers = new LinkedHashMap<>();
        Node headersNode = f.get("headers");
        if (headersNode != null) {
            Fields h = g.fields(headersNode, f.pathOf("headers"));
            if (h != null) {
                for (String name : h.keys()) {
                    String value = g.template(h, name, before);
                    Optional<String> refusal = EnrichHeaders.nameRefusal(name);
                    if (refusal.isEmpty() && value != null && !value.contains("{{")) {
                        refusal = EnrichHeaders.valueRefusal(name, value);
                    }
                    if (refusal.isPresent()) {
                        g.error(refusal.get().startsWith("the value") ? h.get(name) : h.key(name), h.pathOf(name),
                                refusal.get());
                    } else if (value != null) {
                        headers.put(name, value);
                    }
                }
            }
        }
        Object body = null;
        Node bodyNode = f.get("body");
        if (bodyNode != null) {
            g.templatesIn(bodyNode, f.pathOf("body"), before);
            body = Nodes.plain(bodyNode);
        }
        Duration timeout = g.duration(f, "timeout", DEFAULT_TIMEOUT);
        return new Step.Enrich(url, method, Collections.unmodifiableMap(headers), body, timeout);
    }

    /** The URL's scheme and authority when they hold no template (only those can be judged before a request). */
    private static Optional<URI> literalTarget(String url) {
        int start = url.indexOf("://") + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(0, end);
        if (authority.contains("{{")) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(authority);
            return uri.getRawAuthority() == null ? Optional.empty() : Optional.of(uri);
        } catch (URISyntaxException e) {
            return Optional.empty(); // the runtime refuses an unparseable URL on the first request
        }
    }

    @Override
    public void compile(StepCompilation c, Step.Enrich e) {
        EnrichBinding b = binding(c, c.path() + ".enrich", e);
        if (b != null) {
            c.bind(b);
        }
        c.emitTo("braid:" + OPERATION + c.query());
    }

    private static EnrichBinding binding(StepCompilation c, String path, Step.Enrich e) {
        if (e.url() == null) {
            c.error(path + ".url", "enrich needs a url");
            return null;
        }
        String lower = e.url().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            c.error(path + ".url", "enrich url must start with http:// or https://");
            return null;
        }
        Template url = c.template(path + ".url", e.url());
        Map<String, Template> headers = new LinkedHashMap<>();
        if (e.headers() != null) {
            e.headers().forEach((k, v) -> headers.put(k, c.template(path + ".headers." + k, v)));
        }
        if (e.method() != null && !Set.of("GET", "POST", "PUT").contains(e.method().toUpperCase(Locale.ROOT))) {
            c.error(path + ".method", "method must be GET, POST or PUT");
        }
        Object body;
        try {
            body = EnrichBinding.compileBody(e.body());
        } catch (IllegalArgumentException ex) {
            c.error(path + ".body", ex.getMessage());
            return null;
        }
        if (url == null) {
            return null;
        }
        return new EnrichBinding(c.id(), url, e.method(), headers, body, e.timeout());
    }
}
