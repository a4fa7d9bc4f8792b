package dev.braid.components.guard;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code guard:} component: {@code guard:check?step=…} or
 * {@code guard:check?promptInjection=block&maxInputTokens=4000} checks an input and throws
 * {@link GuardBlockedException} naming the rule that blocked it. Register it with
 * {@code context.addComponent("guard", new GuardComponent())} or let Camel find it by scheme.
 */
public class GuardComponent extends DefaultComponent {

    public static final String SCHEME = "guard";

    private final InputGuard guard;

    public GuardComponent() {
        this(InputGuard.standard());
    }

    public GuardComponent(InputGuard guard) {
        this.guard = guard;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"check".equals(remaining)) {
            throw new IllegalArgumentException("unknown guard operation '" + remaining + "'; use guard:check");
        }
        GuardEndpoint endpoint = new GuardEndpoint(uri, this);
        setProperties(endpoint, parameters);
        endpoint.configure();
        return endpoint;
    }

    InputGuard guard() {
        return guard;
    }
}
