package dev.braid.engine.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.step.StepBindings;
import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.run.StepServices;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The engine's own Camel component, {@code braid:<operation>?step=<key>}: the pipeline's frame the
 * compiler's routes call ({@code begin}, {@code when}, {@code finish}) and the operations the step
 * kinds declare ({@code transform}, {@code join}, {@code enrich}, …), which their bindings run. Like
 * {@code model:}, an endpoint names its step by key only and reads the step from the
 * {@link StepBindings} bean. It lends step operations its HTTP client, JSON mapper and enrich policy.
 */
public final class BraidComponent extends DefaultComponent implements StepServices {

    public static final String SCHEME = "braid";

    static final String BEGIN = "begin";
    static final String WHEN = "when";
    static final String FINISH = "finish";

    private final Set<String> operations;

    private final StepBindings bindings;
    private final EnrichTargetPolicy enrichPolicy;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService httpExecutor;
    private final HttpClient http;

    /** @param stepOperations the operations the step kinds declare, besides begin, when and finish */
    BraidComponent(StepBindings bindings, EnrichTargetPolicy enrichPolicy, Set<String> stepOperations) {
        this.bindings = bindings;
        Set<String> ops = new LinkedHashSet<>(Set.of(BEGIN, WHEN, FINISH));
        ops.addAll(stepOperations);
        this.operations = Set.copyOf(ops);
        this.enrichPolicy = enrichPolicy;
        AtomicInteger n = new AtomicInteger();
        // named daemon threads: JDK HttpClient callbacks (and the rest of the route) run here
        this.httpExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "braid-enrich-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .executor(httpExecutor)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!operations.contains(remaining)) {
            throw new IllegalArgumentException("unknown braid operation '" + remaining + "'");
        }
        BraidEndpoint endpoint = new BraidEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        if (endpoint.getStep() == null || endpoint.getStep().isEmpty()) {
            throw new IllegalArgumentException("braid:" + remaining + " needs a step parameter");
        }
        return endpoint;
    }

    StepBindings bindings() {
        return bindings;
    }

    @Override
    public EnrichTargetPolicy enrichPolicy() {
        return enrichPolicy;
    }

    @Override
    public ObjectMapper json() {
        return json;
    }

    @Override
    public HttpClient http() {
        return http;
    }

    @Override
    protected void doStop() throws Exception {
        httpExecutor.shutdownNow();
        super.doStop();
    }
}
