package dev.braid.server.limits;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Counters in Redis, shared by every instance: INCRBY for additions, and Lua scripts for
 * reservations so that the check against the cap and the addition are a single atomic step.
 * Scripts are sent by their SHA1 ({@code EVALSHA}), the text only once per Redis (again after a
 * {@code NOSCRIPT}, when Redis restarted or flushed its script cache): under hundreds of concurrent
 * requests, sending the whole script with every {@code EVAL} queued kilobytes on the one
 * connection and pushed commands past their timeout on a loaded machine.
 *
 * <p>Every answer completes off Lettuce's event loop ({@link #off}): the one connection's replies
 * are all decoded on one I/O thread, and a continuation run there (the rest of the request: the
 * filter chain, the controller, the pipeline) made every other reply on that connection wait behind
 * it, so healthy Redis commands timed out by the dozen under load.
 */
public final class RedisCounters implements Counters {

    private static final String RESERVE = """
            local v = redis.call('INCRBY', KEYS[1], ARGV[1])
            if v > tonumber(ARGV[2]) then
              redis.call('DECRBY', KEYS[1], ARGV[1])
              return 0
            end
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    private static final String RESERVE_UP_TO = """
            local v = tonumber(redis.call('GET', KEYS[1]) or '0')
            local take = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - v)
            if take <= 0 then
              return 0
            end
            redis.call('INCRBY', KEYS[1], take)
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return take
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final String reserveSha;
    private final String reserveUpToSha;

    public RedisCounters(RedisAsyncCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
        this.reserveSha = redis.digest(RESERVE);
        this.reserveUpToSha = redis.digest(RESERVE_UP_TO);
    }

    @Override
    public CompletionStage<Long> get(String name) {
        return off(redis.get(prefix + name).thenApply(v -> v == null ? 0L : Long.parseLong(v)));
    }

    @Override
    public CompletionStage<Long> add(String name, long delta, Duration ttl) {
        String key = prefix + name;
        return off(redis.incrby(key, delta).thenCompose(v -> redis.expire(key, ttl.toSeconds()).thenApply(ok -> v)));
    }

    @Override
    public CompletionStage<Boolean> reserve(String name, long amount, long cap, Duration ttl) {
        return off(script(RESERVE, reserveSha, prefix + name, amount, cap, ttl).thenApply(v -> v != null && v == 1L));
    }

    @Override
    public CompletionStage<Long> reserveUpTo(String name, long amount, long cap, Duration ttl) {
        return off(script(RESERVE_UP_TO, reserveUpToSha, prefix + name, amount, cap, ttl).thenApply(v -> v == null ? 0L : v));
    }

    /**
     * The same answer, completed on CompletableFuture's default executor (the common pool) instead
     * of Lettuce's I/O thread, so what the caller chains on it never holds up other replies.
     */
    static <T> CompletionStage<T> off(CompletionStage<T> answer) {
        CompletableFuture<T> moved = new CompletableFuture<>();
        answer.whenComplete((v, e) -> {
            if (e != null) {
                moved.completeAsync(() -> {
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                });
            } else {
                moved.completeAsync(() -> v);
            }
        });
        return moved;
    }

    /** EVALSHA, falling back to EVAL (which caches the script again) when Redis does not know it. */
    private CompletionStage<Long> script(String text, String sha, String key, long amount, long cap, Duration ttl) {
        String[] keys = {key};
        String[] args = {Long.toString(amount), Long.toString(cap), Long.toString(ttl.toSeconds())};
        return redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args)
                .handle((v, e) -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause == null) {
                        return CompletableFuture.completedFuture(v);
                    }
                    if (cause instanceof RedisNoScriptException) {
                        return redis.<Long>eval(text, ScriptOutputType.INTEGER, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<Long>failedFuture(cause);
                })
                .thenCompose(s -> s);
    }
}
