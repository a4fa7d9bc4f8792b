package dev.braid.components.model.routing;

import static dev.braid.components.model.routing.RouterFixture.await;
import static dev.braid.components.model.routing.RouterFixture.failure;
import static dev.braid.components.model.routing.RouterFixture.fallback;
import static dev.braid.components.model.routing.RouterFixture.mock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.Usage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteStreamTest {

    private static final ModelRequest FOX = ModelRequest.chat(List.of(Message.user("the quick brown fox jumps")));

    private final RouterFixture f = new RouterFixture(CircuitBreakerSettings.DEFAULTS);
    private final List<ModelDelta> deltas = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        f.close();
    }

    private String streamedText() {
        StringBuilder sb = new StringBuilder();
        for (ModelDelta d : deltas) {
            if (d instanceof ModelDelta.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    private long textDeltas() {
        return deltas.stream().filter(d -> d instanceof ModelDelta.Text).count();
    }

    @Test
    void deltasArriveInOrderAndConcatenateToTheFinalText() throws Exception {
        Target a = mock("a", "chunkDelay", "5ms");
        ModelResponse r = await(f.router.routeStream(FOX, fallback(0, a), deltas::add));
        assertEquals(List.of(
                new ModelDelta.Text("the"), new ModelDelta.Text(" quick"), new ModelDelta.Text(" brown"),
                new ModelDelta.Text(" fox"), new ModelDelta.Text(" jumps"), new ModelDelta.Finish("stop")), deltas);
        assertEquals("the quick brown fox jumps", r.text());
        assertEquals(r.text(), streamedText());
        assertEquals("stop", r.finishReason());
        assertEquals("mock", r.provider());
        assertEquals("a", r.model());
        ModelResponse called = await(f.router.route(FOX, fallback(0, a)));
        assertEquals(called.usage(), r.usage(), "a stream counts tokens exactly as a call");
        assertFalse(r.usage().estimated());
    }

    @Test
    void fallsBackWhenTheFirstTargetFailsBeforeItsFirstDelta() throws Exception {
        Target a = mock("a", "failWith", "500");
        Target z = mock("z", "failAfterChunks", "0"); // opens the stream, then breaks before any text
        Target b = mock("b", "chunkDelay", "1ms");
        ModelResponse r = await(f.router.routeStream(FOX, fallback(1, a, z, b), deltas::add));
        assertEquals("b", r.model());
        assertEquals("the quick brown fox jumps", streamedText());
        assertEquals(2, f.mock.calls(a), "retried before the first delta");
        assertEquals(2, f.mock.calls(z), "retried before the first delta");
        assertEquals(1, f.mock.calls(b));
    }

    @Test
    void aFailureAfterTheFirstDeltaFailsTheStreamWithoutRetryOrFallback() throws Exception {
        Target a = mock("a", "failAfterChunks", "2", "chunkDelay", "1ms");
        Target b = mock("b");
        ModelException e = failure(f.router.routeStream(FOX, fallback(2, a, b), deltas::add));
        assertEquals(500, assertInstanceOf(ModelException.ProviderError.class, e).upstreamStatus());
        assertEquals(List.of(new ModelDelta.Text("the"), new ModelDelta.Text(" quick")), deltas,
                "the caller keeps what it got, and nothing is repeated");
        assertEquals(1, f.mock.calls(a));
        assertEquals(0, f.mock.calls(b));
    }

    @Test
    void firstTokenLatencyIsMeasuredFromTheStartOfTheCall() throws Exception {
        Target a = mock("a", "delay", "120ms", "chunkDelay", "40ms");
        long t0 = System.nanoTime();
        ModelResponse r = await(f.router.routeStream(FOX, fallback(0, a), deltas::add));
        long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long first = (Long) r.fields().get(ModelRouter.FIRST_TOKEN_MS_FIELD);
        assertTrue(first >= 120, "first token after the delay: " + first);
        // four more words, each at least 40 ms after the one before
        assertTrue(r.latencyMs() >= first + 4 * 40, "latency " + r.latencyMs() + ", first token " + first);
        assertTrue(r.latencyMs() <= wallMs, "latency " + r.latencyMs() + " within the wall time " + wallMs);
    }

    @Test
    void firstTokenLatencyIncludesTheAttemptsThatFailedBeforeIt() throws Exception {
        Target slow = mock("slow", "delay", "2s");
        Target b = mock("b");
        RoutingPolicy p = new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(slow, b), Duration.ofMillis(80), 0);
        ModelResponse r = await(f.router.routeStream(FOX, p, deltas::add));
        assertEquals("b", r.model());
        assertTrue((Long) r.fields().get(ModelRouter.FIRST_TOKEN_MS_FIELD) >= 80, r.fields().toString());
        Thread.sleep(50); // the abandoned attempt must stay silent
        assertEquals("the quick brown fox jumps", streamedText());
    }

    @Test
    void theTimeoutBoundsSilenceNotTheWholeStream() throws Exception {
        // ten words 40 ms apart: about 360 ms in all, longer than the 250 ms timeout, never silent that long
        ModelRequest ten = ModelRequest.chat(List.of(Message.user("one two three four five six seven eight nine ten")));
        Target a = mock("a", "chunkDelay", "40ms");
        RoutingPolicy p = new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(a), Duration.ofMillis(250), 0);
        ModelResponse r = await(f.router.routeStream(ten, p, deltas::add));
        assertEquals(ten.lastUserText(), r.text());
        assertTrue(r.latencyMs() >= 9 * 40, "latency " + r.latencyMs());
        assertEquals(10, textDeltas());
    }

    @Test
    void aStreamSilentForLongerThanTheTimeoutAfterItsFirstDeltaFails() throws Exception {
        Target a = mock("a", "chunkDelay", "2s");
        Target b = mock("b");
        RoutingPolicy p = new RoutingPolicy(RoutingStrategy.FALLBACK, List.of(a, b), Duration.ofMillis(100), 1);
        ModelException e = failure(f.router.routeStream(FOX, p, deltas::add));
        assertInstanceOf(ModelException.ProviderTimeout.class, e);
        assertEquals(List.of(new ModelDelta.Text("the")), deltas);
        assertEquals(0, f.mock.calls(b));
    }

    @Test
    void aSinkThatThrowsEndsTheStreamWithItsOwnErrorAndIsNotHeldAgainstTheTarget() throws Exception {
        IllegalStateException boom = new IllegalStateException("client went away");
        Target a = mock("a", "chunkDelay", "1s");
        try {
            await(f.router.routeStream(FOX, fallback(1, a, mock("b")), d -> {
                deltas.add(d);
                throw boom;
            }));
            throw new AssertionError("the stream should have failed");
        } catch (ExecutionException e) {
            assertSame(boom, e.getCause());
        }
        assertEquals(1, deltas.size());
        assertEquals(0, f.mock.calls(mock("b")));
    }

    @Test
    void aNonStreamingProviderAnswersInOneDelta() throws Exception {
        f.registry.register(new ModelProvider() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public java.util.concurrent.CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
                return java.util.concurrent.CompletableFuture.completedFuture(new ModelResponse(
                        null, null, "all at once", null, "stop", null, Usage.of(3, 3, 0, false), 0));
            }
        });
        ModelResponse r = await(f.router.routeStream(FOX, RoutingPolicy.single(Target.of("plain", "p")), deltas::add));
        assertEquals(List.of(new ModelDelta.Text("all at once"), new ModelDelta.Finish("stop")), deltas);
        assertEquals("plain", r.provider());
        assertTrue(r.fields().containsKey(ModelRouter.FIRST_TOKEN_MS_FIELD));
    }
}
