package dev.braid.components.model.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.tokens.TokenCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockProviderTest {

    private final ScheduledExecutorService scheduler = ModelComponent.newScheduler(2);
    private final MockProvider mock = new MockProvider(scheduler);

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private ModelResponse call(ModelRequest request, Target target) throws Exception {
        return mock.call(request, target).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private ModelException failure(ModelRequest request, Target target) throws Exception {
        try {
            call(request, target);
        } catch (ExecutionException e) {
            return assertInstanceOf(ModelException.class, e.getCause());
        }
        throw new AssertionError("expected a failure");
    }

    private static ModelRequest vision(String prompt, String url) {
        return new ModelRequest(ModelTask.VISION,
                List.of(new Message("user", List.of(new ContentPart.Text(prompt), new ContentPart.Image(url)), null, null)),
                null, null, null);
    }

    @Test
    void chatEchoesTheLastUserMessageAndCountsItsOwnTokens() throws Exception {
        ModelRequest req = ModelRequest.chat(List.of(
                Message.system("Be brief."), Message.user("first"), Message.assistant("ok"), Message.user("Hi {{input.text}}")));
        ModelResponse r = call(req, Target.of("mock", "any-model-name"));
        assertEquals("Hi {{input.text}}", r.text());
        assertEquals("stop", r.finishReason());
        assertEquals("mock", r.provider());
        assertEquals("any-model-name", r.model());
        TokenCounter counter = TokenCounter.forModel("any-model-name");
        long prompt = counter.count("Be brief.") + counter.count("first") + counter.count("ok") + counter.count("Hi {{input.text}}");
        assertEquals(prompt, r.usage().promptTokens());
        assertEquals(counter.count("Hi {{input.text}}"), r.usage().completionTokens());
        assertFalse(r.usage().estimated());
    }

    @Test
    void visionReportsTheImage() throws Exception {
        byte[] png = new byte[68];
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        assertEquals("Describe any damage: image/png, 68 bytes",
                call(vision("Describe any damage", dataUrl), Target.of("mock", "v")).text());
        assertEquals("What is this?: https://example.com/cat.jpg",
                call(vision("What is this?", "https://example.com/cat.jpg"), Target.of("mock", "v")).text());
        assertEquals(400, failure(vision("x", "ftp://example.com/a.png"), Target.of("mock", "v")).status());
        assertEquals(400, failure(vision("x", "data:image/png;base64,@@@"), Target.of("mock", "v")).status());
        ModelRequest noImage = new ModelRequest(ModelTask.VISION, List.of(Message.user("look")), null, null, null);
        assertEquals(400, failure(noImage, Target.of("mock", "v")).status());
    }

    @Test
    void sentimentAndModerationUseTheLocalModels() throws Exception {
        ModelResponse s = call(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("This is terrible and broken")), Target.of("mock", "s"));
        assertEquals("negative", s.fields().get("label"));
        assertTrue((Double) s.fields().get("score") < -0.3);
        assertTrue(s.usage().promptTokens() > 0);
        assertEquals(0, s.usage().completionTokens());

        ModelResponse m = call(ModelRequest.ofInputs(ModelTask.MODERATION, List.of("I will murder you")), Target.of("mock", "mod"));
        assertEquals(true, m.fields().get("flagged"));
        assertEquals(true, ((Map<?, ?>) m.fields().get("categories")).get("violence"));
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        ModelRequest req = ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("alpha", "beta", "alpha"));
        ModelResponse r = call(req, Target.of("mock", "e"));
        List<?> vectors = (List<?>) r.fields().get("embeddings");
        assertEquals(3, vectors.size());
        assertEquals(16, r.fields().get("dimensions"));
        for (Object v : vectors) {
            List<?> vec = (List<?>) v;
            assertEquals(16, vec.size());
            double norm = 0;
            for (Object x : vec) {
                norm += (Double) x * (Double) x;
            }
            assertEquals(1.0, norm, 1e-9);
        }
        assertEquals(vectors.get(0), vectors.get(2));
        assertNotEquals(vectors.get(0), vectors.get(1));
        assertEquals(vectors.get(0), ((List<?>) call(req, Target.of("mock", "e")).fields().get("embeddings")).get(0));
    }

    @Test
    void failWithAnswersWithThatStatusAnd429CarriesRetryAfter() throws Exception {
        ModelRequest req = ModelRequest.chat(List.of(Message.user("x")));
        ModelException.ProviderError e500 = assertInstanceOf(ModelException.ProviderError.class,
                failure(req, new Target("mock", "m", Map.of("failWith", "500"))));
        assertEquals(500, e500.upstreamStatus());
        assertEquals(502, e500.status());
        ModelException.ProviderError e429 = assertInstanceOf(ModelException.ProviderError.class,
                failure(req, new Target("mock", "m", Map.of("failWith", "429"))));
        assertEquals(429, e429.status());
        assertEquals(Duration.ofSeconds(1), e429.retryAfter());
        assertEquals(400, failure(req, new Target("mock", "m", Map.of("failWith", "often"))).status());
    }

    @Test
    void failTimesCountsPerTarget() throws Exception {
        ModelRequest req = ModelRequest.chat(List.of(Message.user("x")));
        Target a = new Target("mock", "a", Map.of("failTimes", "2"));
        Target b = new Target("mock", "b", Map.of("failTimes", "2"));
        failure(req, a);
        failure(req, a);
        assertEquals("x", call(req, a).text());
        assertEquals(3, mock.calls(a));
        failure(req, b);
        assertEquals(1, mock.calls(b));
        assertEquals(0, new MockProvider(scheduler).calls(a), "counters belong to one instance");
    }

    @Test
    void delayIsServedByTheSchedulerWithoutBlockingTheCaller() throws Exception {
        // a second's delay: a loaded machine may take a while to return, never that long
        Target slow = new Target("mock", "m", Map.of("delay", "1s"));
        long t0 = System.nanoTime();
        CompletableFuture<ModelResponse> f = mock.call(ModelRequest.chat(List.of(Message.user("x"))), slow).toCompletableFuture();
        long returnedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(returnedMs < 800, "call() returned after " + returnedMs + " ms");
        assertFalse(f.isDone());
        assertEquals("x", f.get(5, TimeUnit.SECONDS).text());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 995);
    }

    private record Received(ModelDelta delta, long nanos, String thread) {}

    private static ModelRequest chat(String text) {
        return ModelRequest.chat(List.of(Message.user(text)));
    }

    @Test
    void streamsWordSizedDeltasThatConcatenateToTheTextExactly() throws Exception {
        assertTrue(mock.supportsStreaming());
        String text = "  Hello,   big\nworld\t again ";
        List<ModelDelta> deltas = new CopyOnWriteArrayList<>();
        ModelResponse r = mock.stream(chat(text), Target.of("mock", "m"), deltas::add)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        StringBuilder sb = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        for (ModelDelta d : deltas.subList(0, deltas.size() - 1)) {
            String piece = assertInstanceOf(ModelDelta.Text.class, d).text();
            pieces.add(piece);
            sb.append(piece);
        }
        assertEquals(List.of("  Hello,", "   big", "\nworld", "\t again", " "), pieces);
        assertEquals(text, sb.toString());
        assertEquals(new ModelDelta.Finish("stop"), deltas.get(deltas.size() - 1));
        assertEquals(text, r.text());
        assertEquals(call(chat(text), Target.of("mock", "m")).usage(), r.usage());
    }

    @Test
    void streamWaitsTheDelayThenSpacesDeltasByTheChunkDelayOnSchedulerThreads() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        Target t = new Target("mock", "m", Map.of("delay", "60ms", "chunkDelay", "30ms"));
        long t0 = System.nanoTime();
        ModelResponse r = mock.stream(chat("one two three four"), t,
                        d -> got.add(new Received(d, System.nanoTime(), Thread.currentThread().getName())))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("one two three four", r.text());
        assertEquals(5, got.size());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(got.get(0).nanos() - t0) >= 60, "first delta after the delay");
        for (int i = 1; i < 4; i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(got.get(i).nanos() - got.get(i - 1).nanos());
            assertTrue(gap >= 29, "gap " + i + " was " + gap + " ms"); // ms rounding of the scheduler
        }
        for (Received x : got) {
            assertTrue(x.thread().startsWith("braid-model-"), x.thread());
        }
    }

    @Test
    void failAfterChunksBreaksTheStreamMidway() throws Exception {
        List<ModelDelta> deltas = new CopyOnWriteArrayList<>();
        Target t = new Target("mock", "m", Map.of("failAfterChunks", "2", "chunkDelay", "1ms"));
        try {
            mock.stream(chat("one two three four"), t, deltas::add).toCompletableFuture().get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e.getCause());
            assertEquals(500, pe.upstreamStatus());
            assertTrue(pe.retryable());
        }
        assertEquals(List.of(new ModelDelta.Text("one"), new ModelDelta.Text(" two")), deltas);
        // a plain call ignores the option
        assertEquals("one two three four", call(chat("one two three four"), t).text());
    }

    @Test
    void aCancelledStreamSendsNothingMore() throws Exception {
        List<ModelDelta> deltas = new CopyOnWriteArrayList<>();
        // a chunk delay far longer than any scheduling hiccup, so only cancellation can explain silence
        Target t = new Target("mock", "m", Map.of("chunkDelay", "1s"));
        CompletableFuture<ModelResponse> s = mock.stream(chat("one two three four"), t, deltas::add).toCompletableFuture();
        assertEquals(1, deltas.size(), "the first delta is sent at once without a delay");
        s.cancel(true);
        Thread.sleep(1_500);
        assertEquals(1, deltas.size());
    }

    @Test
    void nonChatTasksStreamNoTextAndCompleteWithTheirFields() throws Exception {
        List<ModelDelta> deltas = new CopyOnWriteArrayList<>();
        ModelResponse r = mock.stream(ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("I love it")),
                Target.of("mock", "m"), deltas::add).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(), deltas);
        assertEquals("positive", r.fields().get("label"));
    }
}
