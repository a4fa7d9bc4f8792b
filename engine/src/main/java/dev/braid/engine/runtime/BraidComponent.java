package dev.braid.engine.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.step.StepBindings;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The engine's own Camel component, {@code braid:<operation>?step=<key>}: the pipeline bookkeeping
 * the compiler's routes call (begin, when, transform, aggregate, enrich, join, finish, camel-in,
 * camel-out). Like {@code model:}, an endpoint names its step by key only and reads the step from
 * the {@link StepBindings} bean.
 */
public final class BraidComponent extends DefaultComponent {

    public static final String SCHEME = "braid";

    private final StepBindings bindings;
    private final EnrichTargetPolicy enrichPolicy;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService httpExecutor;
    private final HttpClient http;

    BraidComponent(StepBindings bindings, EnrichTargetPolicy enrichPolicy) {
        this.bindings = bindings;
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
        BraidOperation op = BraidOperation.fromUriName(remaining);
        BraidEndpoint endpoint = new BraidEndpoint(uri, this, op);
        setProperties(endpoint, parameters);
        if (endpoint.getStep() == null || endpoint.getStep().isEmpty()) {
            throw new IllegalArgumentException("braid:" + remaining + " needs a step parameter");
        }
        return endpoint;
    }

    StepBindings bindings() {
        return bindings;
    }

    EnrichTargetPolicy enrichPolicy() {
        return enrichPolicy;
    }

    ObjectMapper json() {
        return json;
    }

    HttpClient http() {
        return http;
    }

    @Override
    protected void doStop() throws Exception {
        httpExecutor.shutdownNow();
        super.doStop();
    }
}
