package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.GenerationOptions;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.ToolDefinition;
import dev.braid.components.model.http.WireServer.Reply;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The behaviour every HTTP provider adapter owes Braid, run against a real local server speaking
 * the provider's wire format. Each provider's test extends it, declares its {@link Capability}s
 * and supplies its wire bodies; tests of capabilities it lacks check that it says so (model not
 * found) or are skipped.
 */
public abstract class ProviderContractTest {

    public enum Capability { CHAT, STREAMING, TOOLS, VISION, EMBEDDINGS, MODERATION }

    protected static final String SECRET = "sk-test-SECRET";
    protected static final HttpLimits FAST = new HttpLimits(
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), 8L * 1024 * 1024, 1024 * 1024);

    protected WireServer server;
    private ListAppender<ILoggingEvent> logs;
    private Logger braidLogger;
    private Level previousLevel;

    protected abstract Set<Capability> capabilities();

    /** The adapter under test pointed at {@code baseUrl}, authenticating with {@link #SECRET}. */
    protected abstract ModelProvider provider(String baseUrl, HttpLimits limits);

    protected abstract String model();

    /** A successful non-streamed chat answer saying {@code text} (10 prompt, 3 completion tokens). */
    protected abstract String chatAnswer(String text);

    /** The provider's error body carrying {@code message}. */
    protected abstract String errorBody(String message);

    /** The name of the header that carries the key, and its expected value. */
    protected abstract String[] authHeader();

    protected abstract String streamContentType();

    /** A complete stream saying the texts in order, finishing with stop, reporting 10 prompt / 3 completion tokens. */
    protected abstract List<String> stream(List<String> texts);

    /** A stream that says {@code text} then ends without the provider's terminator. */
    protected abstract List<String> truncatedStream(String text);

    /** A stream that says {@code text} then reports an error {@code message} inside the stream. */
    protected abstract List<String> streamWithError(String text, String message);

    /**
     * 200 bodies of this provider's chat API that carry no answer, beyond the shared ones (empty,
     * blank, JSON that is not an object, an object without any of the answer's fields): each must
     * fail like a garbage body, never pass as an empty completion.
     */
    protected List<String> answerlessChatBodies() {
        return List.of();
    }

    /** Streams that reach this provider's terminator without a single answer event ({@code [DONE]} alone …); empty when it has none. */
    protected List<List<String>> eventlessStreams() {
        return List.of();
    }

    @BeforeEach
    void startServer() {
        server = WireServer.start();
        braidLogger = (Logger) LoggerFactory.getLogger("dev.braid");
        previousLevel = braidLogger.getLevel();
        braidLogger.setLevel(Level.DEBUG);
        logs = new ListAppender<>();
        logs.start();
        braidLogger.addAppender(logs);
    }

    @AfterEach
    void stopServer() {
        server.close();
        braidLogger.detachAppender(logs);
        braidLogger.setLevel(previousLevel);
    }

    protected ModelProvider provider() {
        return provider(server.baseUrl(), FAST);
    }

    protected Target target() {
        return Target.of(provider().name(), model());
    }

    protected static ModelRequest hello() {
        return ModelRequest.chat(List.of(Message.user("Hello")));
    }

    /**
     * One request using everything chat can carry: system prompt, vision (data: and https images),
     * an assistant tool call and its result, tools, JSON-schema answer, temperature, max tokens, stop.
     */
    protected static ModelRequest richChat() {
        Message vision = new Message("user", List.of(new ContentPart.Text("What is in this image?"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo="),
                new ContentPart.Image("https://example.com/cat.jpg")), null, null);
        Message call = new Message("assistant", List.of(),
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")), null);
        Message result = new Message("tool", List.of(new ContentPart.Text("{\"temp\":21}")), null, "call_1");
        ToolDefinition weather = new ToolDefinition("get_weather", "Current weather", Map.of(
                "type", "object", "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")));
        return new ModelRequest(ModelTask.CHAT,
                List.of(Message.system("You are terse."), vision, call, result,
                        Message.assistant("It is 21 degrees."), Message.user("Answer in JSON.")),
                null, List.of(weather),
                new GenerationOptions(0.2, 256, List.of("END"), Map.of("type", "json_schema",
                        "json_schema", Map.of("name", "answer", "schema", Map.of("type", "object")))));
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("call failed: " + e, e);
        }
    }

    protected static ModelException failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ModelException.class, e.getCause(), () -> "not a ModelException: " + e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the call succeeded");
    }

    private void assertNoSecretAnywhere(ModelException e) {
        assertFalse(e.getMessage().contains(SECRET), "key in message: " + e.getMessage());
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains(SECRET), "key in log: " + event.getFormattedMessage());
        }
    }

    @Test
    void chatAnswersTextAndUsage() {
        assumeTrue(capabilities().contains(Capability.CHAT));
        server.reply(Reply.json(200, chatAnswer("Hi there")));
        ModelResponse r = await(provider().call(hello(), target()));
        assertEquals("Hi there", r.text());
        assertEquals("stop", r.finishReason());
        assertEquals(10, r.usage().promptTokens());
        assertEquals(3, r.usage().completionTokens());
        assertFalse(r.usage().estimated());
        assertEquals("POST", server.last().method());
    }

    @Test
    void keyTravelsInTheAuthHeaderNeverInTheUrl() {
        assumeTrue(capabilities().contains(Capability.CHAT));
        server.reply(Reply.json(200, chatAnswer("ok")));
        await(provider().call(hello(), target()));
        String[] auth = authHeader();
        assertEquals(auth[1], server.last().header(auth[0]));
        assertFalse(server.last().uri().contains(SECRET), server.last().uri());
    }

    @Test
    void sentimentIsChatWithAJsonAnswer() {
        assumeTrue(capabilities().contains(Capability.CHAT));
        server.reply(Reply.json(200, chatAnswer("{\"label\":\"negative\",\"score\":-0.8}")));
        ModelResponse r = await(provider().call(
                ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("This is awful")), target()));
        assertEquals("negative", r.fields().get("label"));
        assertEquals(-0.8, (Double) r.fields().get("score"), 1e-9);
        assertTrue(server.last().body().contains("This is awful"));
    }

    @Test
    void sentimentAnswerThatIsNotJsonIsAProviderError() {
        assumeTrue(capabilities().contains(Capability.CHAT));
        server.reply(Reply.json(200, chatAnswer("I think it is negative")));
        ModelException e = failure(provider().call(
                ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("This is awful")), target()));
        assertEquals(502, e.status());
    }

    @Test
    void rateLimitStays429WithRetryAfterSeconds() {
        server.reply(Reply.json(429, errorBody("Rate limit reached")).withHeader("Retry-After", "7"));
        ModelException e = failure(provider().call(hello(), target()));
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e);
        assertEquals(429, pe.status());
        assertEquals("provider_rate_limited", pe.code());
        assertTrue(pe.retryable());
        assertEquals(Duration.ofSeconds(7), pe.retryAfter());
    }

    @Test
    void retryAfterAsHttpDate() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(30));
        server.reply(Reply.json(429, errorBody("slow down")).withHeader("Retry-After", in30s));
        ModelException.ProviderError pe = (ModelException.ProviderError) failure(provider().call(hello(), target()));
        assertNotNull(pe.retryAfter());
        assertTrue(pe.retryAfter().getSeconds() >= 28 && pe.retryAfter().getSeconds() <= 30, pe.retryAfter().toString());
    }

    @Test
    void serverErrorBecomes502Retryable() {
        server.reply(Reply.json(500, errorBody("internal")));
        ModelException e = failure(provider().call(hello(), target()));
        assertEquals(502, e.status());
        assertTrue(e.retryable());
    }

    @Test
    void overloaded529IsA502ClassRetryableError() {
        server.reply(Reply.json(529, errorBody("Overloaded")));
        ModelException.ProviderError pe = (ModelException.ProviderError) failure(provider().call(hello(), target()));
        assertEquals(502, pe.status());
        assertEquals(529, pe.upstreamStatus());
        assertTrue(pe.retryable());
    }

    @Test
    void badRequestKeepsOnlyTheProvidersMessageTrimmed() {
        String longMessage = "Your request was rejected by the content policy. " + "x".repeat(800);
        server.reply(Reply.json(400, errorBody(longMessage)));
        ModelException e = failure(provider().call(hello(), target()));
        assertEquals(400, e.status());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("Your request was rejected by the content policy."), e.getMessage());
        assertTrue(e.getMessage().length() <= 600, "not trimmed: " + e.getMessage().length());
        assertFalse(e.getMessage().contains("{"), "raw body leaked: " + e.getMessage());
    }

    @Test
    void rejectedCredentialsBecome502AndNeverLeakTheKey() {
        server.reply(Reply.json(401, errorBody("Incorrect API key provided: " + SECRET)));
        ModelException e = failure(provider().call(hello(), target()));
        assertEquals(502, e.status());
        assertEquals("provider '" + provider().name() + "' rejected the credentials", e.getMessage());
        assertNoSecretAnywhere(e);
    }

    @Test
    void anEchoedKeyIsBlankedInProviderMessages() {
        server.reply(Reply.json(400, errorBody("bad key format " + SECRET)));
        ModelException e = failure(provider().call(hello(), target()));
        assertTrue(e.getMessage().contains("bad key format ***"), e.getMessage());
        assertNoSecretAnywhere(e);
    }

    @Test
    void unknownModelIsModelNotFound() {
        server.reply(Reply.json(404, errorBody("The model does not exist")));
        ModelException e = failure(provider().call(hello(), target()));
        assertInstanceOf(ModelException.ModelNotFound.class, e);
        assertEquals(404, e.status());
    }

    @Test
    void slowServerTimesOutWithinTheFirstByteTimeout() {
        server.reply(Reply.json(200, chatAnswer("late")).delayedBy(3000));
        HttpLimits limits = FAST.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10));
        long t0 = System.nanoTime();
        ModelException e = failure(provider(server.baseUrl(), limits).call(hello(), target()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertInstanceOf(ModelException.ProviderTimeout.class, e);
        assertEquals(504, e.status());
        assertTrue(ms < 2000, "took " + ms + " ms");
    }

    @Test
    void perTargetTimeoutOverridesTheProviders() {
        server.reply(Reply.json(200, chatAnswer("late")).delayedBy(3000));
        Target t = new Target(provider().name(), model(), java.util.Map.of(HttpLimits.FIRST_BYTE_TIMEOUT_OPTION, "200ms"));
        long t0 = System.nanoTime();
        ModelException e = failure(provider().call(hello(), t));
        assertInstanceOf(ModelException.ProviderTimeout.class, e);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
    }

    @Test
    void oversizeResponseIsRefused() {
        server.reply(Reply.json(200, chatAnswer("y".repeat(5000))));
        ModelException e = failure(provider(server.baseUrl(), FAST.withMaxBodyBytes(1000)).call(hello(), target()));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void unreachableProviderIsARetryableProviderError() {
        String base = server.baseUrl();
        server.close();
        ModelException e = failure(provider(base, FAST).call(hello(), target()));
        assertEquals(502, e.status());
        assertTrue(e.retryable());
    }

    @Test
    void tasksTheProviderLacksAreNotFound() {
        if (!capabilities().contains(Capability.EMBEDDINGS)) {
            ModelException e = failure(provider().call(ModelRequest.ofInputs(ModelTask.EMBEDDINGS, List.of("a")), target()));
            assertInstanceOf(ModelException.ModelNotFound.class, e);
        }
        if (!capabilities().contains(Capability.MODERATION)) {
            ModelException e = failure(provider().call(ModelRequest.ofInputs(ModelTask.MODERATION, List.of("a")), target()));
            assertInstanceOf(ModelException.ModelNotFound.class, e);
        }
        assertTrue(server.requests().isEmpty(), "an unsupported task reached the provider");
    }

    // --- streaming ---

    protected List<ModelDelta> deltas = new CopyOnWriteArrayList<>();

    protected CompletionStage<ModelResponse> streamHello(ModelProvider p) {
        deltas.clear();
        return p.stream(hello(), target(), deltas::add);
    }

    @Test
    void streamsTextDeltasThenFinishWithUsage() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        server.reply(Reply.stream(streamContentType(), stream(List.of("Hel", "lo"))));
        ModelResponse r = await(streamHello(provider()));
        assertEquals(List.of(new ModelDelta.Text("Hel"), new ModelDelta.Text("lo"), new ModelDelta.Finish("stop")), deltas);
        assertEquals("Hello", r.text());
        assertEquals("stop", r.finishReason());
        assertEquals(10, r.usage().promptTokens());
        assertEquals(3, r.usage().completionTokens());
        assertEquals(13, r.usage().totalTokens());
        assertFalse(r.usage().estimated());
    }

    @Test
    void streamEndingWithoutItsTerminatorFailsButKeepsSentDeltas() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        server.reply(Reply.stream(streamContentType(), truncatedStream("partial")));
        ModelException e = failure(streamHello(provider()));
        assertInstanceOf(ModelException.ProviderError.class, e);
        assertTrue(e.getMessage().contains("stream ended early"), e.getMessage());
        assertEquals(new ModelDelta.Text("partial"), deltas.get(0));
    }

    @Test
    void errorInsideTheStreamFailsTheStage() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        server.reply(Reply.stream(streamContentType(), streamWithError("par", "Overloaded right now")));
        ModelException e = failure(streamHello(provider()));
        assertInstanceOf(ModelException.ProviderError.class, e);
        assertTrue(e.status() == 502 || e.status() == 429, "status " + e.status());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("Overloaded right now"), e.getMessage());
        assertEquals(new ModelDelta.Text("par"), deltas.get(0));
    }

    @Test
    void streamErrorStatusBeforeTheFirstByteMapsLikeACall() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        server.reply(Reply.json(429, errorBody("Rate limit reached")).withHeader("Retry-After", "3"));
        ModelException.ProviderError pe = (ModelException.ProviderError) failure(streamHello(provider()));
        assertEquals(429, pe.status());
        assertEquals(Duration.ofSeconds(3), pe.retryAfter());
    }

    @Test
    void totalDeadlineCancelsAHangingStream() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        server.reply(Reply.stream(streamContentType(), truncatedStream("first")).hangingAfter(5000));
        HttpLimits limits = FAST.withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500));
        long t0 = System.nanoTime();
        ModelException e = failure(streamHello(provider(server.baseUrl(), limits)));
        assertInstanceOf(ModelException.ProviderTimeout.class, e);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2500);
        assertEquals(new ModelDelta.Text("first"), deltas.get(0));
    }

    /** The shared 200 bodies that are not an answer: nothing, blanks, JSON that is not an object, an object without answer fields. */
    private static final List<String> ANSWERLESS = List.of("", " ", "\r\n\t \n", "null", "[]", "42", "\"ok\"", "true",
            "{}", "{\"id\":\"x\",\"object\":\"chat.completion\"}");

    private static void assertAnswerlessFailure(ModelException e, String what) {
        ModelException.ProviderError pe = assertInstanceOf(ModelException.ProviderError.class, e, what);
        assertEquals(502, pe.status(), what);
        assertEquals("provider_error", pe.code(), what);
        assertTrue(pe.retryable(), what);
        // the router's 5xx trigger: the next target is tried
        assertEquals(dev.braid.components.model.routing.FallbackTrigger.SERVER_ERROR,
                dev.braid.components.model.routing.FallbackTrigger.of(pe), what);
    }

    @Test
    void a200WithoutAnAnswerIsA502ProviderErrorNotAnEmptyCompletion() {
        assumeTrue(capabilities().contains(Capability.CHAT));
        List<String> bodies = new java.util.ArrayList<>(ANSWERLESS);
        bodies.addAll(answerlessChatBodies());
        bodies.forEach(body -> server.reply(Reply.json(200, body))); // served in order, one per call
        for (String body : bodies) {
            String what = "200 with body '" + body + "'";
            ModelException e;
            try {
                e = failure(provider().call(hello(), target()));
            } catch (AssertionError succeeded) {
                throw new AssertionError(what + ": " + succeeded.getMessage(), succeeded);
            }
            assertAnswerlessFailure(e, what);
            assertTrue(e.getMessage().contains("malformed"), what + ": " + e.getMessage());
        }
    }

    @Test
    void a200WithAnEmptyBodyFailsSentimentToo() {
        assumeTrue(capabilities().contains(Capability.CHAT));
        server.reply(Reply.json(200, ""));
        assertAnswerlessFailure(failure(provider().call(
                ModelRequest.ofInputs(ModelTask.SENTIMENT, List.of("fine")), target())), "sentiment on an empty 200");
    }

    @Test
    void aStreamWithoutAnyEventIsA502ProviderError() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        List<List<String>> streams = new java.util.ArrayList<>(List.of(List.of(""), List.of("\n\n", "\n")));
        streams.addAll(eventlessStreams());
        streams.forEach(chunks -> server.reply(Reply.stream(streamContentType(), chunks))); // served in order
        for (List<String> chunks : streams) {
            String what = "stream " + chunks;
            ModelException e;
            try {
                e = failure(streamHello(provider()));
            } catch (AssertionError succeeded) {
                throw new AssertionError(what + ": " + succeeded.getMessage(), succeeded);
            }
            assertAnswerlessFailure(e, what);
            assertTrue(deltas.isEmpty(), what + " sent " + deltas);
        }
    }

    /** Whether the wire format has an end-of-answer marker (Gemini has none: only the end of the body). */
    protected boolean streamHasTerminator() {
        return true;
    }

    @Test
    void aTerminatedStreamCompletesEvenIfTheServerKeepsTheConnectionOpen() {
        assumeTrue(capabilities().contains(Capability.STREAMING) && streamHasTerminator());
        server.reply(Reply.stream(streamContentType(), stream(List.of("done"))).hangingAfter(5000));
        long t0 = System.nanoTime();
        ModelResponse r = await(streamHello(provider()));
        assertEquals("done", r.text());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000);
    }

    @Test
    void overlongStreamLineIsRefused() {
        assumeTrue(capabilities().contains(Capability.STREAMING));
        server.reply(Reply.stream(streamContentType(), stream(List.of("z".repeat(4000)))));
        HttpLimits limits = new HttpLimits(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), 8_000_000, 1000);
        ModelException e = failure(streamHello(provider(server.baseUrl(), limits)));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }
}
