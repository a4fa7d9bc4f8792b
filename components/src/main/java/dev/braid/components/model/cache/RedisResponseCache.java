package dev.braid.components.model.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.braid.components.model.api.ModelResponse;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link ResponseCache} in Redis, shared by every Braid instance on it: each answer is one string
 * key ({@code prefix + cache key}) holding the response as JSON, with Redis expiring it after the
 * TTL ({@code SET … PX}). Only Lettuce's asynchronous commands are used, so no thread waits on Redis.
 *
 * <p>The connection belongs to the caller (open it at startup, close it at shutdown); Lettuce is an
 * optional dependency of this module, so add {@code io.lettuce:lettuce-core} where this class is used.
 * An entry that no longer reads as a response (written by another version) counts as a miss.
 */
public final class RedisResponseCache implements ResponseCache {

    public static final String DEFAULT_PREFIX = "braid:response:";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer writers may add fields
            .build();

    private final RedisAsyncCommands<String, String> redis;
    private final String prefix;

    public RedisResponseCache(StatefulRedisConnection<String, String> connection, String prefix) {
        this.redis = connection.async();
        this.prefix = prefix;
    }

    public RedisResponseCache(StatefulRedisConnection<String, String> connection) {
        this(connection, DEFAULT_PREFIX);
    }

    @Override
    public CompletionStage<Optional<ModelResponse>> get(String key) {
        return redis.get(prefix + key).thenApply(json -> {
            if (json == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(JSON.readValue(json, ModelResponse.class));
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public CompletionStage<Void> put(String key, ModelResponse response, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return CompletableFuture.completedFuture(null);
        }
        String json;
        try {
            json = JSON.writeValueAsString(response);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return redis.set(prefix + key, json, SetArgs.Builder.px(ttl.toMillis())).thenApply(ok -> null);
    }
}
