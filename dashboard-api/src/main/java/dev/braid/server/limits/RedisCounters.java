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

    // -1: the counter is missing (Redis restarted empty or was flushed, or the period is new); the
    // caller rebuilds it from the usage rows (Backstop) and asks again
    private static final String RESERVE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return -1
            end
            local v = redis.call('INCRBY', KEYS[1], ARGV[1])
            if v > tonumber(ARGV[2]) then
              redis.call('DECRBY', KEYS[1], ARGV[1])
              return 0
            end
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    private static final String RESERVE_UP_TO = """
            local got = redis.call('GET', KEYS[1])
            if not got then
              return -1
            end
            local v = tonumber(got)
            local take = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - v)
            if take <= 0 then
              return 0
            end
            redis.call('INCRBY', KEYS[1], take)
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return take
            """;

    // a settlement or undo of a counter that is gone is dropped: the usage rows the rebuild reads
    // hold what it settled, and creating the key here would stop the rebuild from ever happening
    private static final String ADD = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return nil
            end
            local v = redis.call('INCRBY', KEYS[1], ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return v
            """;

    private static final long MISSING = -1;

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;
    private final Backstop backstop;
    private final String reserveSha;
    private final String reserveUpToSha;
    private final String addSha;

    public RedisCounters(RedisAsyncCommands<String, String> redis, String prefix, Backstop backstop) {
        this.redis = redis;
        this.prefix = prefix;
        this.backstop = backstop;
        this.reserveSha = redis.digest(RESERVE);
        this.reserveUpToSha = redis.digest(RESERVE_UP_TO);
        this.addSha = redis.digest(ADD);
    }

    @Override
    public CompletionStage<Long> get(String name) {
        return off(redis.get(prefix + name).thenApply(v -> v == null ? 0L : Long.parseLong(v)));
    }

    /** Adds to a counter that exists; a missing one stays missing (answers 0), see {@code ADD}. */
    @Override
    public CompletionStage<Long> add(String name, long delta, Duration ttl) {
        return off(script(ADD, addSha, prefix + name, delta, 0, ttl).thenApply(v -> v == null ? 0L : v));
    }

    @Override
    public CompletionStage<Boolean> reserve(String name, long amount, long cap, Duration ttl) {
        return off(seeded(RESERVE, reserveSha, name, amount, cap, ttl, 0).thenApply(v -> v != null && v == 1L));
    }

    @Override
    public CompletionStage<Long> reserveUpTo(String name, long amount, long cap, Duration ttl) {
        return off(seeded(RESERVE_UP_TO, reserveUpToSha, name, amount, cap, ttl, 0)
                .thenApply(v -> v == null ? 0L : v));
    }

    /**
     * Runs a reservation script; when the counter is missing, rebuilds it from the usage rows
     * ({@code SET … NX}: the first instance to rebuild wins, the others' values are dropped) and runs
     * it again.
     */
    private CompletionStage<Long> seeded(String text, String sha, String name, long amount, long cap, Duration ttl,
            int attempt) {
        String key = prefix + name;
        return script(text, sha, key, amount, cap, ttl).thenCompose(v -> {
            if (v == null || v != MISSING) {
                return CompletableFuture.completedFuture(v);
            }
            if (attempt >= 3) {
                return CompletableFuture.failedFuture(new IllegalStateException("counter " + name + " keeps disappearing"));
            }
            return backstop.seed(name)
                    .thenCompose(total -> redis.set(key, Long.toString(total),
                            io.lettuce.core.SetArgs.Builder.nx().ex(ttl.toSeconds())))
                    .thenCompose(ok -> seeded(text, sha, name, amount, cap, ttl, attempt + 1));
        });
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
