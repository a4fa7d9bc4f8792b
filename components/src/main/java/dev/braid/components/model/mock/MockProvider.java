package dev.braid.components.model.mock;

import dev.braid.components.guard.InjectionJudge;
import dev.braid.components.model.api.TargetOption;
import dev.braid.components.model.api.ContentPart;
import dev.braid.components.model.api.DurationText;
import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelProvider;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.api.ToolCall;
import dev.braid.components.model.api.Usage;
import dev.braid.components.model.local.KeywordModeration;
import dev.braid.components.model.local.LexiconSentiment;
import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.tokens.TokenCounter;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The offline provider: accepts any model name and answers deterministically from the request, so
 * pipelines run without keys and tests can observe exactly what was sent.
 * <ul>
 *   <li>chat: the last user message's text, exactly, except for a guard classifier's judge request
 *       ({@link InjectionJudge#isJudgeRequest}), answered with {@link InjectionJudge#heuristicAnswer}: the
 *       heuristic detector's score as {@code {"injection", "score", "reason"}} JSON; vision: the prompt and each image's media type
 *       and size ({@code data:} URL) or URL ({@code https:}), e.g. {@code Describe it: image/png, 68 bytes};</li>
 *   <li>sentiment and moderation: the local lexicon and keyword lists; embeddings: one 16-dimension
 *       unit vector per input, derived from its SHA-256;</li>
 *   <li>tools: the deterministic rule of {@link MockTools} (a prompt naming an offered tool gets a
 *       call to it, with {@code name=value} arguments drawn from the prompt; {@code tool_choice}
 *       forces one); streamed as the call's name, then its arguments in two fragments;</li>
 *   <li>usage counted with the tokenizer (these are the mock's own counts, not estimates).</li>
 * </ul>
 * Target options make it misbehave on purpose: {@code delay} (served by the scheduler, never by a
 * sleeping thread), {@code failWith} (an HTTP status; 429 carries {@code retryAfter}, default 1s),
 * {@code failTimes} (fail only the first N calls to that target, counted per instance and target).
 *
 * <p>It streams for real: {@link #stream} splits the answer into word-sized deltas (each word with the
 * whitespace before it, so the deltas concatenate to the text exactly), sends the first after
 * {@code delay} and the others {@code chunkDelay} apart (default 0, all on scheduler threads), then
 * {@code Finish}. {@code failAfterChunks: N} makes a stream fail with a 500 after N deltas (0: before
 * the first), to test what happens to a stream that breaks midway; {@link #call} ignores it. Usage is
 * the same as {@link #call}'s.
 */
public final class MockProvider implements ModelProvider {

    public static final String NAME = TargetOption.MOCK_PROVIDER;
    public static final String DELAY = TargetOption.DELAY.key();
    public static final String FAIL_WITH = TargetOption.FAIL_WITH.key();
    public static final String FAIL_TIMES = TargetOption.FAIL_TIMES.key();
    public static final String RETRY_AFTER = TargetOption.RETRY_AFTER.key();
    public static final String CHUNK_DELAY = TargetOption.CHUNK_DELAY.key();
    public static final String FAIL_AFTER_CHUNKS = TargetOption.FAIL_AFTER_CHUNKS.key();
    public static final int EMBEDDING_DIMENSIONS = 16;

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final ScheduledExecutorService scheduler;
    private final LexiconSentiment sentiment;
    private final KeywordModeration moderation;
    private final Map<Target, AtomicInteger> calls = new ConcurrentHashMap<>();

    public MockProvider(ScheduledExecutorService scheduler) {
        this(scheduler, LexiconSentiment.standard(), KeywordModeration.standard());
    }

    public MockProvider(ScheduledExecutorService scheduler, LexiconSentiment sentiment, KeywordModeration moderation) {
        this.scheduler = scheduler;
        this.sentiment = sentiment;
        this.moderation = moderation;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** How many calls this instance received for the target (options included in the identity). */
    public int calls(Target target) {
        AtomicInteger n = calls.get(target);
        return n == null ? 0 : n.get();
    }

    @Override
    public CompletionStage<ModelResponse> call(ModelRequest request, Target target) {
        int n = calls.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
        Duration delay;
        ModelResponse response;
        ModelException failure;
        try {
            delay = option(target, DELAY) == null ? Duration.ZERO : DurationText.parse(option(target, DELAY));
            failure = failureFor(target, n);
            response = failure == null ? answer(request, target) : null;
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ModelException.ProviderError(NAME, 400, e.getMessage(), null));
        }
        if (delay.isZero()) {
            return failure == null ? CompletableFuture.completedFuture(response) : CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<ModelResponse> result = new CompletableFuture<>();
        ScheduledFuture<?> pending = scheduler.schedule(() -> {
            if (failure == null) {
                result.complete(response);
            } else {
                result.completeExceptionally(failure);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        // a caller that gave up (timeout) frees the scheduler slot
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                pending.cancel(false);
            }
        });
        return result;
    }

    @Override
    public boolean supportsStreaming() {
        return true;
    }

    @Override
    public CompletionStage<ModelResponse> stream(ModelRequest request, Target target, Consumer<ModelDelta> sink) {
        int n = calls.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
        Duration delay;
        Duration chunkDelay;
        Integer failAfter;
        ModelResponse response;
        ModelException failure;
        try {
            delay = durationOption(target, DELAY);
            chunkDelay = durationOption(target, CHUNK_DELAY);
            String fa = option(target, FAIL_AFTER_CHUNKS);
            failAfter = fa == null ? null : intOption(FAIL_AFTER_CHUNKS, fa);
            failure = failureFor(target, n);
            response = failure == null ? answer(request, target) : null;
        } catch (ModelException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ModelException.ProviderError(NAME, 400, e.getMessage(), null));
        }
        Stream stream = new Stream(target, sink, response, failure, chunks(response), chunkDelay, failAfter);
        stream.schedule(delay);
        return stream.result;
    }

    /** The answer's text as word-sized pieces: each word with the whitespace before it. */
    static List<String> chunks(ModelResponse response) {
        if (response == null || response.text() == null || response.text().isEmpty()) {
            return List.of();
        }
        return List.of(response.text().split("(?<=\\S)(?=\\s)"));
    }

    /** One stream in flight: each step sends one delta and schedules the next, so no thread waits. */
    private final class Stream {
        final Target target;
        final Consumer<ModelDelta> sink;
        final ModelResponse response;
        final ModelException failure;
        final List<String> chunks;
        final Duration chunkDelay;
        final Integer failAfter;
        final CompletableFuture<ModelResponse> result = new CompletableFuture<>();
        volatile ScheduledFuture<?> pending;
        int sent;

        Stream(Target target, Consumer<ModelDelta> sink, ModelResponse response, ModelException failure,
                List<String> chunks, Duration chunkDelay, Integer failAfter) {
            this.target = target;
            this.sink = sink;
            this.response = response;
            this.failure = failure;
            this.chunks = chunks;
            this.chunkDelay = chunkDelay;
            this.failAfter = failAfter;
            result.whenComplete((r, e) -> {
                ScheduledFuture<?> p = pending;
                if (result.isCancelled() && p != null) {
                    p.cancel(false); // the caller gave up: stop sending
                }
            });
        }

        void schedule(Duration wait) {
            if (wait.isZero()) {
                step();
                return;
            }
            try {
                pending = scheduler.schedule(this::step, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new ModelException.ProviderError(NAME, 503, "mock stopped", null));
            }
        }

        /** Sends what is due now: everything when there is no chunk delay, else one delta. */
        void step() {
            try {
                while (!result.isDone()) {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                        return;
                    }
                    if (failAfter != null && sent >= failAfter) {
                        result.completeExceptionally(new ModelException.ProviderError(NAME, 500,
                                "mock " + target.model() + " stream failed after " + sent + " chunks on purpose", null));
                        return;
                    }
                    if (sent == chunks.size()) {
                        for (int i = 0; i < response.toolCalls().size(); i++) {
                            // the name first, then the arguments in two pieces, as providers stream them
                            ToolCall c = response.toolCalls().get(i);
                            String args = c.arguments();
                            int half = args.length() / 2;
                            sink.accept(new ModelDelta.ToolCallFragment(i, c.id(), c.name(), ""));
                            sink.accept(new ModelDelta.ToolCallFragment(i, null, null, args.substring(0, half)));
                            sink.accept(new ModelDelta.ToolCallFragment(i, null, null, args.substring(half)));
                        }
                        if (response.finishReason() != null) {
                            sink.accept(new ModelDelta.Finish(response.finishReason()));
                        }
                        result.complete(response);
                        return;
                    }
                    sink.accept(new ModelDelta.Text(chunks.get(sent++)));
                    if (!chunkDelay.isZero() && sent < chunks.size()) {
                        schedule(chunkDelay);
                        return;
                    }
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e); // the sink threw: the stream ends there
            }
        }
    }

    private static Duration durationOption(Target target, String name) {
        String v = option(target, name);
        return v == null ? Duration.ZERO : DurationText.parse(v);
    }

    private static String option(Target target, String name) {
        return target.options().get(name);
    }

    private static ModelException failureFor(Target target, int callNumber) {
        String failWith = option(target, FAIL_WITH);
        String failTimes = option(target, FAIL_TIMES);
        if (failWith == null && failTimes == null) {
            return null;
        }
        int status = failWith == null ? 500 : intOption(FAIL_WITH, failWith);
        if (failTimes != null && callNumber > intOption(FAIL_TIMES, failTimes)) {
            return null;
        }
        if (status == 404) {
            return new ModelException.ModelNotFound("mock model '" + target.model() + "' failed with 404 on purpose");
        }
        Duration retryAfter = null;
        if (status == 429) {
            String ra = option(target, RETRY_AFTER);
            retryAfter = ra == null ? DEFAULT_RETRY_AFTER : DurationText.parse(ra);
        }
        return new ModelException.ProviderError(
                NAME, status, "mock " + target.model() + " failed with " + status + " on purpose", retryAfter);
    }

    private static int intOption(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mock option " + name + " must be an integer, got '" + value + "'");
        }
    }

    private ModelResponse answer(ModelRequest request, Target target) {
        TokenCounter counter = TokenCounter.forModel(target.model());
        long prompt = LocalProvider.promptTokens(request, counter);
        List<String> inputs = LocalProvider.inputsOf(request);
        if (request.task() == ModelTask.CHAT) {
            var call = MockTools.call(request);
            if (call.isPresent()) {
                return new ModelResponse(NAME, target.model(), null, List.of(call.get()), "tool_calls", null,
                        Usage.of(prompt, counter.count(call.get().name() + call.get().arguments()), 0.0, false), 0);
            }
            String afterTool = MockTools.afterToolResult(request);
            if (afterTool != null && !request.tools().isEmpty()) {
                return text(target, afterTool, prompt, counter);
            }
        }
        return switch (request.task()) {
            // a guard classifier's judge request: a deterministic verdict instead of the echo
            case CHAT -> text(target, InjectionJudge.isJudgeRequest(request)
                    ? InjectionJudge.heuristicAnswer(request.lastUserText())
                    : request.lastUserText(), prompt, counter);
            case VISION -> text(target, describe(request), prompt, counter);
            case SENTIMENT -> fields(target, sentiment.fields(inputs), prompt);
            case MODERATION -> fields(target, moderation.fields(inputs), prompt);
            case EMBEDDINGS -> embeddings(target, request, inputs, prompt);
        };
    }

    /**
     * One vector per input (token-id inputs embed the ids written as text); {@code dimensions} up to
     * 16 keeps the first values, renormalised, as OpenAI's shortened embeddings do.
     */
    private static ModelResponse embeddings(Target target, ModelRequest request, List<String> inputs, long prompt) {
        List<String> texts = request.tokenInputs().isEmpty() ? inputs : request.tokenInputs().stream()
                .map(ids -> String.join(" ", ids.stream().map(String::valueOf).toList())).toList();
        Integer d = request.options().dimensions();
        if (d != null && (d < 1 || d > EMBEDDING_DIMENSIONS)) {
            throw new ModelException.UnsupportedParameter("dimensions",
                    "the mock's embeddings have 1 to " + EMBEDDING_DIMENSIONS + " dimensions, not " + d);
        }
        int size = d == null ? EMBEDDING_DIMENSIONS : d;
        List<List<Double>> vectors = texts.stream().map(t -> shortened(embedding(t), size)).toList();
        return fields(target, Map.of("embeddings", vectors, "dimensions", size), prompt);
    }

    private static List<Double> shortened(List<Double> v, int size) {
        if (size == v.size()) {
            return v;
        }
        List<Double> head = v.subList(0, size);
        double norm = Math.sqrt(head.stream().mapToDouble(x -> x * x).sum());
        return head.stream().map(x -> norm == 0 ? 0.0 : x / norm).toList();
    }

    private static ModelResponse text(Target target, String text, long prompt, TokenCounter counter) {
        long completion = counter.count(text);
        return new ModelResponse(NAME, target.model(), text, null, "stop", null,
                Usage.of(prompt, completion, 0.0, false), 0);
    }

    private static ModelResponse fields(Target target, Map<String, Object> fields, long prompt) {
        return new ModelResponse(NAME, target.model(), null, null, null, fields, Usage.of(prompt, 0, 0.0, false), 0);
    }

    private static String describe(ModelRequest request) {
        List<String> images = new ArrayList<>();
        for (Message m : request.messages()) {
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Image image) {
                    images.add(describeImage(image.url()));
                }
            }
        }
        if (images.isEmpty()) {
            throw new ModelException.ProviderError(NAME, 400, "a vision request needs an image part", null);
        }
        String prompt = request.lastUserText().strip();
        String description = String.join("; ", images);
        return prompt.isEmpty() ? "image: " + description : prompt + ": " + description;
    }

    /** {@code image/png, 68 bytes} for a data: URL, the URL itself for an https: URL. */
    static String describeImage(String url) {
        if (url == null) {
            throw new ModelException.ProviderError(NAME, 400, "an image part needs a URL", null);
        }
        if (url.startsWith("https://")) {
            return url;
        }
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            if (comma < 0) {
                throw new ModelException.ProviderError(NAME, 400, "invalid data: URL (no comma)", null);
            }
            String meta = url.substring(5, comma);
            String payload = url.substring(comma + 1);
            boolean base64 = meta.endsWith(";base64");
            String mediaType = (base64 ? meta.substring(0, meta.length() - 7) : meta).split(";")[0];
            if (mediaType.isEmpty()) {
                mediaType = "text/plain";
            }
            int bytes;
            try {
                bytes = base64
                        ? Base64.getDecoder().decode(payload.strip()).length
                        : URLDecoder.decode(payload, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length;
            } catch (IllegalArgumentException e) {
                throw new ModelException.ProviderError(NAME, 400, "invalid base64 in data: URL", null);
            }
            return mediaType + ", " + bytes + " bytes";
        }
        throw new ModelException.ProviderError(NAME, 400, "an image URL must be a data: or https: URL", null);
    }

    /** A deterministic unit vector derived from the text's SHA-256. */
    static List<Double> embedding(String text) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(hash);
        double[] v = new double[EMBEDDING_DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < EMBEDDING_DIMENSIONS; i++) {
            v[i] = buf.getShort() / 32768.0; // 16 signed shorts from 32 bytes, each in [-1, 1)
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        List<Double> out = new ArrayList<>(EMBEDDING_DIMENSIONS);
        for (double x : v) {
            out.add(norm == 0 ? 0.0 : x / norm);
        }
        return out;
    }
}
