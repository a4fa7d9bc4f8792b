package dev.braid.components.model.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.components.step.StepBindings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

class ModelComponentTest extends CamelTestSupport {

    /** A step as the engine would register it: routing plus how to read and write the exchange. */
    record TestBinding(RoutingPolicy routing, Function<Exchange, ModelRequest> reader) implements ModelStepBinding {
        @Override
        public ModelRequest read(Exchange exchange) {
            return reader.apply(exchange);
        }

        @Override
        public void write(Exchange exchange, ModelResponse result) {
            exchange.getMessage().setBody(result.toOutput());
        }
    }

    static final class TestStepBindings implements StepBindings {
        final Map<String, Object> bindings = new ConcurrentHashMap<>();

        @Override
        public <T> T lookup(String stepKey, Class<T> type) {
            Object b = bindings.get(stepKey);
            if (!type.isInstance(b)) {
                throw new IllegalArgumentException("no " + type.getSimpleName() + " for step '" + stepKey + "'");
            }
            return type.cast(b);
        }
    }

    private final TestStepBindings steps = new TestStepBindings();
    private ModelComponent component;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext ctx = super.createCamelContext();
        component = new ModelComponent();
        ctx.addComponent(ModelComponent.SCHEME, component);
        ctx.getRegistry().bind(StepBindings.BEAN_NAME, steps);
        return ctx;
    }

    private static ModelRequest prompt(Exchange exchange) {
        return ModelRequest.chat(List.of(
                Message.system("You answer politely."),
                Message.user("Reply to: " + exchange.getMessage().getBody(String.class))));
    }

    private static Target mock(String model, String... options) {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return new Target("mock", model, o);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        steps.bindings.put("shop/1/reply", new TestBinding(
                new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(mock("a", "failWith", "500"), mock("b")), Duration.ofSeconds(5), 0),
                ModelComponentTest::prompt));
        steps.bindings.put("shop/1/broken", new TestBinding(
                RoutingPolicy.single(mock("a", "failWith", "500")), ModelComponentTest::prompt));
        steps.bindings.put("shop/1/slow", new TestBinding(
                new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(mock("slow", "delay", "2s")), Duration.ofMillis(50), 0),
                ModelComponentTest::prompt));
        steps.bindings.put("shop/1/delayed", new TestBinding(
                RoutingPolicy.single(mock("delayed", "delay", "100ms")), ModelComponentTest::prompt));
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:chat").to("model:chat?provider=mock&model=m").to("mock:out");
                from("direct:sentiment").to("model:sentiment?provider=local&model=lexicon");
                from("direct:unknown").to("model:chat?provider=nope&model=x");
                from("direct:step").to("model:chat?step=shop/1/reply").to("mock:step");
                from("direct:broken").to("model:chat?step=shop/1/broken");
                from("direct:slow").to("model:chat?step=shop/1/slow");
                from("direct:missing").to("model:chat?step=shop/1/missing");
                from("direct:delayedThread").to("model:chat?step=shop/1/delayed")
                        .process(e -> e.getMessage().setHeader("thread", Thread.currentThread().getName()));
                from("direct:tuned").to("model:chat?provider=mock&model=m&timeout=2s&retries=1");
            }
        };
    }

    @Test
    void chatAnswersThroughARouteWithHeaders() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedMessageCount(1);
        out.expectedHeaderReceived(ModelHeaders.PROVIDER, "mock");
        out.expectedHeaderReceived(ModelHeaders.MODEL, "m");
        out.expectedHeaderReceived(ModelHeaders.FINISH_REASON, "stop");
        // user text is data: Camel placeholders and simple expressions come back literally
        String text = "Hi {{steps}} ${sys:user.home}";
        ModelResponse r = template.requestBody("direct:chat", text, ModelResponse.class);
        out.assertIsSatisfied();
        assertEquals(text, r.text());
        Exchange received = out.getReceivedExchanges().get(0);
        Usage usage = received.getMessage().getHeader(ModelHeaders.USAGE, Usage.class);
        assertSame(r.usage(), usage);
        assertTrue(usage.promptTokens() > 0);
        assertEquals(usage.promptTokens() + usage.completionTokens(),
                received.getMessage().getHeader(ModelHeaders.TOTAL_TOKENS, Long.class));
        assertEquals(0.0, received.getMessage().getHeader(ModelHeaders.COST_USD, Double.class));
    }

    @Test
    void aStringBodyIsTheInputOfSentiment() {
        ModelResponse r = template.requestBody("direct:sentiment", "I love it, the support was wonderful", ModelResponse.class);
        assertEquals("local", r.provider());
        assertEquals("positive", r.fields().get("label"));
        assertTrue((Double) r.fields().get("score") > 0.5);
    }

    @Test
    void aStepBindingRendersRoutesAndWrites() throws Exception {
        MockEndpoint out = getMockEndpoint("mock:step");
        out.expectedHeaderReceived(ModelHeaders.MODEL, "b");
        Object body = template.requestBody("direct:step", "my parcel is late");
        out.assertIsSatisfied();
        Map<?, ?> output = assertInstanceOf(Map.class, body);
        assertEquals("Reply to: my parcel is late", output.get("text"));
        assertEquals("mock/b", output.get("model"), "the first target failed with 500, the second answered");
    }

    @Test
    void unknownOptionIsRejectedAtEndpointCreation() {
        ResolveEndpointFailedException e = assertThrows(ResolveEndpointFailedException.class,
                () -> context.getEndpoint("model:chat?provider=mock&model=m&tiemout=1s"));
        assertTrue(e.getMessage().contains("tiemout"), e.getMessage());
    }

    @Test
    void badEndpointsAreRejectedAtCreation() {
        for (String uri : List.of(
                "model:translate?provider=mock&model=m",
                "model:chat",
                "model:chat?provider=mock",
                "model:chat?step=a/1/b&provider=mock",
                "model:chat?provider=mock&model=m&timeout=soon",
                "model:chat?provider=mock&model=m&retries=-1")) {
            assertThrows(ResolveEndpointFailedException.class, () -> context.getEndpoint(uri), uri);
        }
    }

    @Test
    void uriOptionsBecomeTheSingleTargetPolicy() {
        ModelEndpoint ep = context.getEndpoint("model:chat?provider=mock&model=m&timeout=2s&retries=1", ModelEndpoint.class);
        assertEquals(ModelTask.CHAT, ep.getTask());
        assertEquals(new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(Target.of("mock", "m")), Duration.ofSeconds(2), 1), ep.policy());
        assertEquals("ok", template.requestBody("direct:tuned", "ok", ModelResponse.class).text());
    }

    @Test
    void unknownProviderFailsTheExchangeWith404() {
        Exchange ex = template.send("direct:unknown", e -> e.getMessage().setBody("hi"));
        ModelException.ModelNotFound e = assertInstanceOf(ModelException.ModelNotFound.class, ex.getException());
        assertEquals(404, e.status());
        assertEquals("unknown provider 'nope'", e.getMessage());
    }

    @Test
    void providerFailuresAreSetAsTheTypedException() {
        Exchange ex = template.send("direct:broken", e -> e.getMessage().setBody("hi"));
        assertSame(ModelException.ProviderError.class, ex.getException().getClass());
        assertEquals(502, ((ModelException) ex.getException()).status());

        Exchange slow = template.send("direct:slow", e -> e.getMessage().setBody("hi"));
        ModelException.ProviderTimeout t = assertInstanceOf(ModelException.ProviderTimeout.class, slow.getException());
        assertEquals(504, t.status());
    }

    @Test
    void anUnknownStepFailsTheExchange() {
        Exchange ex = template.send("direct:missing", e -> e.getMessage().setBody("hi"));
        assertInstanceOf(IllegalArgumentException.class, ex.getException());
    }

    @Test
    void theProducerNeverBlocksAThread() throws Exception {
        AsyncProducer producer = context.getEndpoint("model:chat?step=shop/1/delayed").createAsyncProducer();
        producer.start();
        try {
            int n = 200;
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger syncCompletions = new AtomicInteger();
            AtomicInteger callbacks = new AtomicInteger();
            List<Exchange> exchanges = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Exchange ex = new DefaultExchange(context);
                ex.getMessage().setBody("n" + i);
                exchanges.add(ex);
                boolean sync = producer.process(ex, doneSync -> {
                    if (doneSync) {
                        syncCompletions.incrementAndGet();
                    }
                    callbacks.incrementAndGet();
                    done.countDown();
                });
                assertFalse(sync, "a delayed call completes asynchronously");
            }
            long issuedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(issuedMs < 2000, "issuing took " + issuedMs + " ms");
            assertTrue(ms < 3000, "200 x 100 ms on a 4-thread scheduler took " + ms + " ms");
            Thread.sleep(50); // a second callback per exchange would show up here
            assertEquals(n, callbacks.get(), "done exactly once per exchange");
            assertEquals(0, syncCompletions.get());
            for (int i = 0; i < n; i++) {
                assertNull(exchanges.get(i).getException());
                Map<?, ?> out = exchanges.get(i).getMessage().getBody(Map.class);
                assertEquals("Reply to: n" + i, out.get("text"));
            }
        } finally {
            producer.stop();
        }
    }

    @Test
    void stoppingTheComponentShutsItsScheduler() throws Exception {
        ModelComponent c = new ModelComponent();
        c.setCamelContext(context);
        c.start();
        assertFalse(c.getScheduler().isShutdown());
        c.stop();
        assertTrue(c.getScheduler().isShutdown());
        c.start();
        assertFalse(c.getScheduler().isShutdown(), "a restart gets a fresh scheduler");
        ModelResponse r = c.getRouter().route(ModelRequest.chat(List.of(Message.user("again"))),
                RoutingPolicy.single(mock("m", "delay", "5ms"))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("again", r.text());
        c.stop();
    }

    @Test
    void addedProvidersReplaceByName() throws Exception {
        ModelProvider fixed = new ModelProvider() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public java.util.concurrent.CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
                return java.util.concurrent.CompletableFuture.completedFuture(
                        new ModelResponse(null, null, "fixed answer", null, "stop", null, Usage.of(3, 2, 0, false), 0));
            }
        };
        component.setProviders(List.of(fixed));
        assertTrue(component.getProviders().names().containsAll(List.of("fixed", "mock", "local")));
        ModelResponse r = component.getRouter().route(ModelRequest.chat(List.of(Message.user("x"))),
                RoutingPolicy.single(Target.of("fixed", "f1"))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("fixed", r.provider(), "the router names the provider when an adapter leaves it out");
        assertEquals("f1", r.model());
        assertEquals(5, r.usage().totalTokens());
    }
    @Test
    void aCallbackExecutorTakesTheRouteOffTheSchedulerThreads() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "route-continuation"));
        try {
            component.setCallbackExecutor(pool);
            Exchange ex = template.send("direct:delayedThread", e -> e.getMessage().setBody("hi"));
            assertNull(ex.getException());
            assertEquals("route-continuation", ex.getMessage().getHeader("thread"));
            component.setCallbackExecutor(null);
            Exchange inline = template.send("direct:delayedThread", e -> e.getMessage().setBody("hi"));
            assertTrue(inline.getMessage().getHeader("thread", String.class).startsWith("braid-model-"),
                    "without an executor the scheduler thread that served the delay continues");
        } finally {
            component.setCallbackExecutor(null);
            pool.shutdownNow();
        }
    }
}
