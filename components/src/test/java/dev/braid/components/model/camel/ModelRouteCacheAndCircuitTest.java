package dev.braid.components.model.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.cache.CachePolicy;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.routing.CircuitBreakerSettings;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.step.StepBindings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/** The cache and the circuits as a route sees them: endpoint and step options, headers, exchange errors. */
class ModelRouteCacheAndCircuitTest extends CamelTestSupport {

    /** A step with a cache policy, as the engine registers one for {@code cache: 10m}. */
    record CachedBinding(RoutingPolicy routing, CachePolicy cache) implements ModelStepBinding {
        @Override
        public ModelRequest read(Exchange exchange) {
            return ModelRequest.chat(List.of(Message.user(exchange.getMessage().getBody(String.class))));
        }

        @Override
        public void write(Exchange exchange, ModelResponse result) {
            exchange.getMessage().setBody(result.toOutput());
        }
    }

    private static final Target FAILING = new Target("mock", "down", Map.of("failWith", "500"));
    private static final Target CACHED_STEP = Target.of("mock", "cached-step");

    private ModelComponent component;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext ctx = super.createCamelContext();
        component = ModelComponent.owning(ModelGateway.builder()
                .circuitBreakerSettings(new CircuitBreakerSettings(true, 50f, 4, 4, Duration.ofSeconds(30), 1, true))
                .build());
        ctx.addComponent(ModelComponent.SCHEME, component);
        Map<String, Object> bindings = Map.of(
                "shop/1/cached", new CachedBinding(RoutingPolicy.single(CACHED_STEP), CachePolicy.ttl(Duration.ofMinutes(5))),
                "shop/1/down", new CachedBinding(RoutingPolicy.single(FAILING), null));
        ctx.getRegistry().bind(StepBindings.BEAN_NAME, new StepBindings() {
            @Override
            public <T> T lookup(String stepKey, Class<T> type) {
                return type.cast(bindings.get(stepKey));
            }
        });
        return ctx;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:cachedUri").to("model:chat?provider=mock&model=cached-uri&cacheTtl=10m");
                from("direct:cachedStep").to("model:chat?step=shop/1/cached");
                from("direct:down").to("model:chat?step=shop/1/down");
            }
        };
    }

    private MockProvider mock() {
        return (MockProvider) component.getProviders().get(MockProvider.NAME);
    }

    @Test
    void theCacheTtlOptionServesRepeatsFromTheCache() {
        Exchange first = template.send("direct:cachedUri", e -> e.getMessage().setBody("same question"));
        Exchange second = template.send("direct:cachedUri", e -> e.getMessage().setBody("same question"));
        Exchange other = template.send("direct:cachedUri", e -> e.getMessage().setBody("another question"));
        assertEquals(Boolean.FALSE, first.getMessage().getHeader(ModelHeaders.CACHED));
        assertEquals(Boolean.TRUE, second.getMessage().getHeader(ModelHeaders.CACHED));
        assertEquals(Boolean.FALSE, other.getMessage().getHeader(ModelHeaders.CACHED));
        assertEquals("same question", second.getMessage().getBody(ModelResponse.class).text());
        assertEquals(0.0, second.getMessage().getHeader(ModelHeaders.COST_USD, Double.class));
        assertEquals(first.getMessage().getHeader(ModelHeaders.TOTAL_TOKENS),
                second.getMessage().getHeader(ModelHeaders.TOTAL_TOKENS));
        assertEquals(2, mock().calls(Target.of("mock", "cached-uri")));
    }

    @Test
    void aStepsCachePolicyServesRepeatsAndTheOutputSaysSo() {
        Map<?, ?> first = template.requestBody("direct:cachedStep", "hi there", Map.class);
        Map<?, ?> second = template.requestBody("direct:cachedStep", "hi there", Map.class);
        assertNull(first.get("cached"));
        assertEquals(true, second.get("cached"));
        assertEquals("hi there", second.get("text"));
        assertEquals(1, mock().calls(CACHED_STEP));
    }

    @Test
    void cacheOptionsAreCheckedAtEndpointCreation() {
        for (String uri : List.of(
                "model:chat?step=shop/1/cached&cacheTtl=1m",
                "model:chat?provider=mock&model=m&cacheTtl=forever")) {
            assertThrows(ResolveEndpointFailedException.class, () -> context.getEndpoint(uri), uri);
        }
        assertEquals(CachePolicy.ttl(Duration.ofMinutes(2)),
                context.getEndpoint("model:chat?provider=mock&model=m&cacheTtl=2m", ModelEndpoint.class).cachePolicy());
    }

    @Test
    void anOpenCircuitFailsTheExchangeFastWithRetryAfter() {
        for (int i = 0; i < 4; i++) {
            Exchange ex = template.send("direct:down", e -> e.getMessage().setBody("hi"));
            assertEquals(500, assertInstanceOf(ModelException.ProviderError.class, ex.getException()).upstreamStatus());
        }
        assertEquals("OPEN", component.getRouter().circuitStates().get("mock/down"));
        Exchange ex = template.send("direct:down", e -> e.getMessage().setBody("hi"));
        ModelException.ProviderError open = assertInstanceOf(ModelException.ProviderError.class, ex.getException());
        assertEquals(503, open.upstreamStatus());
        assertTrue(open.retryAfter().toMillis() > 0 && open.retryAfter().toSeconds() <= 30, open.retryAfter().toString());
        assertEquals(4, mock().calls(FAILING));
    }
}
