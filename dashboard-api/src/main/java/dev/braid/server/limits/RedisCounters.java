package dev.braid.server.limits;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Counters in Redis, shared by every instance: INCRBY for additions, and one Lua script for a
 * reservation so that the check against the cap and the addition are a single atomic step.
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

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;

    public RedisCounters(RedisAsyncCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public CompletionStage<Long> get(String name) {
        return redis.get(prefix + name).thenApply(v -> v == null ? 0L : Long.parseLong(v));
    }

    @Override
    public CompletionStage<Long> add(String name, long delta, Duration ttl) {
        String key = prefix + name;
        return redis.incrby(key, delta).thenCompose(v -> redis.expire(key, ttl.toSeconds()).thenApply(ok -> v));
    }

    @Override
    public CompletionStage<Boolean> reserve(String name, long amount, long cap, Duration ttl) {
        return redis.<Long>eval(RESERVE, ScriptOutputType.INTEGER, new String[] {prefix + name},
                Long.toString(amount), Long.toString(cap), Long.toString(ttl.toSeconds()))
                .thenApply(v -> v != null && v == 1L);
    }
}
