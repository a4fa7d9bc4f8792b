package dev.braid.components.model.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.components.model.api.ModelException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider's HTTP transport: a JDK {@link HttpClient} (HTTP/2 when the server offers it,
 * keep-alive connection reuse, fully asynchronous) shared by every call to that provider, with
 * the connect timeout, a first-byte timeout (request timeout: until the headers arrive), a total
 * deadline that cancels the exchange, and size limits on bodies and stream lines.
 *
 * <p>Completion runs on the named daemon threads {@code braid-http-N}; deadlines on one
 * {@code braid-http-deadline} thread. Futures returned here fail with a {@link ModelException}
 * itself (never wrapped), and cancelling them aborts the HTTP exchange.
 */
public final class ProviderHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderHttp.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(named("braid-http-", true));
    private static final ScheduledExecutorService DEADLINES =
            Executors.newSingleThreadScheduledExecutor(named("braid-http-deadline", false));

    private final String provider;
    private final HttpLimits limits;
    private final List<String> secrets;
    private final HttpClient client;

    /** @param secrets credentials this provider sends, blanked out of anything it echoes back */
    public ProviderHttp(String provider, HttpLimits limits, List<String> secrets) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> !s.isEmpty()).toList();
        this.client = HttpClient.newBuilder()
                .connectTimeout(limits.connectTimeout())
                .executor(EXECUTOR)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public String provider() {
        return provider;
    }

    public HttpLimits limits() {
        return limits;
    }

    public List<String> secrets() {
        return secrets;
    }

    /**
     * POSTs JSON and parses the JSON answer. A 2xx whose body is empty, blank or JSON other than an
     * object fails as a malformed answer (502, retryable, falls back) like a garbage body: every
     * provider answers an object, and nothing is never an empty completion.
     */
    public CompletableFuture<JsonNode> postJson(
            URI uri, Map<String, String> headers, JsonNode body, HttpLimits callLimits, String model) {
        return exchange(uri, headers, body, callLimits, model, () -> new LimitedBodySubscriber(callLimits.maxBodyBytes(), false),
                () -> { }, bytes -> {
                    JsonNode root;
                    try {
                        root = ProviderJson.MAPPER.readTree(bytes);
                    } catch (IOException e) {
                        throw ProviderErrors.malformed(provider, "invalid JSON");
                    }
                    if (root == null || root.isMissingNode()) {
                        throw ProviderErrors.malformed(provider, "empty body");
                    }
                    if (!root.isObject()) {
                        throw ProviderErrors.malformed(provider, "not a JSON object");
                    }
                    return root;
                });
    }

    /** POSTs JSON and feeds the streamed answer line by line to {@code sink}; completes with its result. */
    public <T> CompletableFuture<T> postStream(
            URI uri, Map<String, String> headers, JsonNode body, HttpLimits callLimits, String model, LineSink<T> sink) {
        LineBodySubscriber<T> lines = new LineBodySubscriber<>(sink, callLimits.maxLineBytes());
        return exchange(uri, headers, body, callLimits, model, () -> lines,
                () -> lines.cancel(new CancellationException()), t -> t);
    }

    private <B, T> CompletableFuture<T> exchange(
            URI uri,
            Map<String, String> headers,
            JsonNode body,
            HttpLimits callLimits,
            String model,
            java.util.function.Supplier<HttpResponse.BodySubscriber<B>> okBody,
            Runnable abortBody,
            java.util.function.Function<B, T> finish) {
        CompletableFuture<T> out = new CompletableFuture<>();
        byte[] bytes;
        try {
            bytes = ProviderJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            out.completeExceptionally(new IllegalStateException("request body not serialisable"));
            return out;
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(uri)
                    .timeout(callLimits.firstByteTimeout())
                    // plain http: no h2c upgrade attempt (local servers such as vLLM or Ollama dislike it);
                    // https negotiates HTTP/2 through ALPN
                    .version("http".equalsIgnoreCase(uri.getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            headers.forEach(request::header);
        } catch (IllegalArgumentException e) {
            // the JDK's message may quote the offending header value, i.e. the key: never pass it on
            out.completeExceptionally(new ModelException.ProviderError(provider, 502,
                    "provider '" + provider + "' is misconfigured (invalid URL or credential header)", null));
            return out;
        }
        // The JDK completes sendAsync's future on the CompletableFuture default pool (a new thread
        // per task on small machines), so success is driven from the body subscriber instead, which
        // completes on the client's own threads; the send future only reports failures before a body.
        HttpResponse.BodyHandler<Answer<B>> handler = info -> {
            HttpResponse.BodySubscriber<Answer<B>> subscriber = info.statusCode() / 100 == 2
                    ? HttpResponse.BodySubscribers.mapping(okBody.get(), b -> new Answer<B>(b, null))
                    : HttpResponse.BodySubscribers.mapping(
                            new LimitedBodySubscriber(MAX_ERROR_BODY, true), b -> new Answer<B>(null, b));
            subscriber.getBody().whenComplete((answer, error) -> {
                if (error != null) {
                    out.completeExceptionally(translate(error, callLimits));
                } else if (answer.error() != null) {
                    ModelException e = ProviderErrors.fromStatus(
                            provider, model, info.statusCode(), info.headers(), answer.error(), secrets);
                    LOG.debug("provider {} answered {} for model {}: {}", provider, info.statusCode(), model, e.getMessage());
                    out.completeExceptionally(e);
                } else {
                    try {
                        out.complete(finish.apply(answer.ok()));
                    } catch (RuntimeException e) {
                        out.completeExceptionally(translate(e, callLimits));
                    }
                }
            });
            return subscriber;
        };
        CompletableFuture<HttpResponse<Answer<B>>> send = client.sendAsync(request.build(), handler);
        long totalMs = callLimits.totalTimeout().toMillis();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            if (out.completeExceptionally(new ModelException.ProviderTimeout(
                    "provider '" + provider + "' did not finish within " + totalMs + " ms"))) {
                abort(send, abortBody);
            }
        }, totalMs, TimeUnit.MILLISECONDS);
        out.whenComplete((r, e) -> {
            deadline.cancel(false);
            if (out.isCancelled()) {
                abort(send, abortBody); // the caller (router timeout) gave up
            }
        });
        send.whenComplete((response, error) -> {
            if (error != null && !out.isDone()) {
                out.completeExceptionally(translate(error, callLimits));
            }
        });
        return out;
    }

    private static void abort(CompletableFuture<?> send, Runnable abortBody) {
        send.cancel(true);
        abortBody.run();
    }

    private record Answer<B>(B ok, byte[] error) {}

    /** What a transport failure means to the caller; never carries the URL, headers or raw text. */
    ModelException translate(Throwable error, HttpLimits callLimits) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ModelException me) {
            return me;
        }
        if (e instanceof LimitedBodySubscriber.TooLarge || e instanceof LineBodySubscriber.LineTooLong) {
            return new ModelException.ProviderError(provider, 502,
                    "provider '" + provider + "' sent more than the limit: " + e.getMessage(), null);
        }
        if (e instanceof HttpConnectTimeoutException) {
            return new ModelException.ProviderTimeout("provider '" + provider + "' did not accept a connection within "
                    + callLimits.connectTimeout().toMillis() + " ms");
        }
        if (e instanceof HttpTimeoutException) {
            return new ModelException.ProviderTimeout("provider '" + provider + "' sent no answer within "
                    + callLimits.firstByteTimeout().toMillis() + " ms");
        }
        if (e instanceof ConnectException) {
            return ModelException.ProviderError.unreachable(provider, "cannot reach provider '" + provider + "'");
        }
        if (e instanceof IOException) {
            return new ModelException.ProviderError(provider, 502,
                    "connection to provider '" + provider + "' failed", null);
        }
        LOG.warn("provider {} call failed: {}", provider, e.getClass().getName());
        return new ModelException.ProviderError(provider, 502, "provider '" + provider + "' failed", null);
    }

    /**
     * {@code source} mapped by {@code fn}, failing with the bare {@link ModelException} (a mapping
     * failure becomes a malformed-answer error), and cancelling {@code source} when it is cancelled,
     * so a router timeout aborts the HTTP exchange.
     */
    public <A, B> CompletableFuture<B> map(CompletableFuture<A> source, java.util.function.Function<A, B> fn) {
        CompletableFuture<B> out = new CompletableFuture<>();
        source.whenComplete((a, e) -> {
            if (e != null) {
                out.completeExceptionally(translate(e, limits));
                return;
            }
            try {
                out.complete(fn.apply(a));
            } catch (ModelException me) {
                out.completeExceptionally(me);
            } catch (RuntimeException re) {
                LOG.debug("provider {} answer not understood: {}", provider, re.getClass().getName());
                out.completeExceptionally(ProviderErrors.malformed(provider, "unexpected shape"));
            }
        });
        out.whenComplete((b, e) -> {
            if (out.isCancelled()) {
                source.cancel(true);
            }
        });
        return out;
    }

    private static ThreadFactory named(String prefix, boolean numbered) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? prefix + n.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }
}
