package dev.braid.server.access;

import dev.braid.server.limits.KeyLimits;
import dev.braid.server.limits.BudgetGate;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorResponses;
import dev.braid.server.limits.LimitMetrics;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Authenticates every request (DESIGN.md, "Contract details", Access): the key from
 * {@code Authorization: Bearer}, looked up in memory ({@link KeyStore}); the role the path needs;
 * an invoker's pipeline scope; the key's request rate and daily token quota. Budgets are not
 * checked here: {@code calls.MeteredCalls} reserves them with the call it meters. The admin controllers ask again, finer, in
 * {@code AdminAccess}; the OpenAI controller checks the model scope once it has read the body.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class AccessFilter implements Ordered {

    private static final String INVOKE_PREFIX = "/v1/pipelines/";

    private final KeyStore keys;
    private final KeyLimits limits;
    private final boolean enabled;
    private final LimitMetrics limitMetrics;

    public AccessFilter(KeyStore keys, KeyLimits limits, AuthConfiguration configuration, LimitMetrics limitMetrics) {
        this.keys = keys;
        this.limits = limits;
        this.enabled = configuration.enabled();
        this.limitMetrics = limitMetrics;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    /**
     * A stage of the request to go on with, or failed with {@link Refused} and the answer. A limit
     * stored in Redis answers later, on Lettuce's thread, and the request then goes on (or is
     * refused) from there. Not a reactive continuation: Micronaut then runs the rest of the chain
     * through Reactor for every request, about a tenth of a passthrough's CPU. Not a stage of a
     * nullable response either: Micronaut drops the request when such a stage completes later with
     * null (go on).
     */
    @RequestFilter
    public CompletionStage<HttpRequest<?>> check(HttpRequest<?> request) {
        CompletionStage<HttpRequest<?>> proceed = CompletableFuture.completedFuture(request);
        String path = request.getPath();
        if (isPublic(request.getMethod(), path)) {
            return proceed;
        }
        if (!enabled) {
            request.setAttribute(Access.ATTRIBUTE, Access.UNCHECKED);
            return proceed;
        }
        ApiKey key;
        try {
            key = authenticate(request);
            request.setAttribute(Access.ATTRIBUTE, key);
            // usage records name the key by id (observe-usage reads this attribute)
            request.setAttribute(dev.braid.server.access.RequestKey.ATTRIBUTE, key.id());
            Role.Permission needed = permission(request.getMethod(), path);
            if (!key.role().allows(needed)) {
                throw AccessDenied.forbidden("a " + key.role().wire() + " key may not " + describe(needed));
            }
            if (needed != Role.Permission.INVOKE) {
                return proceed;
            }
            String pipeline = invokedPipeline(path);
            if (pipeline != null) {
                Access.requirePipeline(key, pipeline);
            }
        } catch (AccessDenied e) {
            var response = ErrorResponses.render(request, e.problem());
            if (e.problem().status() == 401) {
                response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            }
            return CompletableFuture.failedFuture(new Refused(response));
        }
        // budgets are reserved later, by calls.MeteredCalls, once the body says what the call is
        CompletionStage<ApiProblem> admitted = limits.admit(key.quota()).exceptionally(BudgetGate::limitsUnavailable);
        CompletableFuture<ApiProblem> done = admitted.toCompletableFuture();
        if (done.isDone() && !done.isCompletedExceptionally() && done.join() == null) {
            return proceed; // local limits answer at once
        }
        // completed by hand: a dependent stage would wrap Refused in a CompletionException
        CompletableFuture<HttpRequest<?>> decided = new CompletableFuture<>();
        // resumed on the request's own event loop: Micronaut binds the body there (its buffer
        // asserts it), and a Redis answer arrives on another thread
        admitted.whenComplete((limited, error) -> onEventLoop(request, () -> {
            if (error != null) {
                decided.completeExceptionally(error);
            } else if (limited == null) {
                decided.complete(request);
            } else {
                limitMetrics.rejected(limited.code());
                decided.completeExceptionally(new Refused(ErrorResponses.render(request, limited)));
            }
        }));
        return decided;
    }

    private static void onEventLoop(HttpRequest<?> request, Runnable work) {
        if (request instanceof NettyHttpRequest<?> netty) {
            EventExecutor loop = netty.getChannelHandlerContext().executor();
            if (!loop.inEventLoop()) {
                loop.execute(work);
                return;
            }
        }
        work.run();
    }

    /** A request the filter answers itself; {@link RefusedHandler} sends {@link #response()}. */
    static final class Refused extends RuntimeException {

        private final transient MutableHttpResponse<?> response;

        Refused(MutableHttpResponse<?> response) {
            super(null, null, false, false);
            this.response = response;
        }

        MutableHttpResponse<?> response() {
            return response;
        }
    }

    private ApiKey authenticate(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw AccessDenied.missing();
        }
        String h = header.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AccessDenied.missing();
        }
        return keys.authenticate(h.substring(7).trim()).orElseThrow(AccessDenied::invalid);
    }

    /**
     * The dashboard shell, its icon and its static scripts and styles, the API description and its page, health and
     * metrics, and the pipeline JSON Schema (the public grammar, which editors fetch without credentials) need
     * no key; everything else does.
     */
    public static boolean isPublic(HttpMethod method, String path) {
        return (("/".equals(path) || path.isEmpty() || (path.startsWith("/dashboard/") && !path.contains(".."))
                                || "/favicon.ico".equals(path) || "/openapi.yml".equals(path) || "/docs".equals(path) || "/swagger-ui".equals(path)
                                || (path.startsWith("/swagger-ui/") && !path.contains("..")))
                        && (method == HttpMethod.GET || method == HttpMethod.HEAD))
                || "/health".equals(path) || path.startsWith("/health/")
                || "/prometheus".equals(path)
                || ("/schemas/pipeline.json".equals(path) && (method == HttpMethod.GET || method == HttpMethod.HEAD));
    }

    static Role.Permission permission(HttpMethod method, String path) {
        if (path.startsWith("/v1/") || "/v1".equals(path)) {
            return Role.Permission.INVOKE;
        }
        if (under(path, "/api/keys") || under(path, "/api/providers") || under(path, "/api/audit")
                || under(path, "/api/config")) {
            return Role.Permission.ADMINISTER;
        }
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return Role.Permission.READ;
        }
        return Role.Permission.CHANGE;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** {@code /v1/pipelines/{name}/invoke} → name; anything else → null. */
    static String invokedPipeline(String path) {
        if (!path.startsWith(INVOKE_PREFIX)) {
            return null;
        }
        String rest = path.substring(INVOKE_PREFIX.length());
        int slash = rest.indexOf('/');
        return slash <= 0 ? null : rest.substring(0, slash);
    }

    private static String describe(Role.Permission p) {
        return switch (p) {
            case INVOKE -> "invoke pipelines or models";
            case READ -> "read admin data";
            case CHANGE -> "change pipelines";
            case ADMINISTER -> "manage keys or providers, reload the configuration, or read the audit trail";
        };
    }
}
