package dev.braid.server.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one Redis client of this instance, present when {@code braid.redis.uri} is set: shared limits
 * and budgets, and the response cache, open their connections here. Commands time out after
 * {@code braid.redis.command-timeout} (default 500 ms) and are refused at once while the connection
 * is down, so an unreachable Redis turns into fast errors, never into requests waiting on it.
 */
@Singleton
public class SharedRedis {

    private final RedisClient client;
    private final List<StatefulRedisConnection<?, ?>> connections = new ArrayList<>();

    public SharedRedis(
            @Nullable @Value("${braid.redis.uri:}") String uri,
            @Value("${braid.redis.command-timeout:500ms}") Duration commandTimeout) {
        if (uri == null || uri.isBlank()) {
            client = null;
            return;
        }
        client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
    }

    public boolean enabled() {
        return client != null;
    }

    /** A new connection with {@code codec}, closed with this instance; empty when Redis is not configured. */
    public synchronized <K, V> Optional<StatefulRedisConnection<K, V>> connect(RedisCodec<K, V> codec) {
        if (client == null) {
            return Optional.empty();
        }
        StatefulRedisConnection<K, V> connection = client.connect(codec);
        connections.add(connection);
        return Optional.of(connection);
    }

    @PreDestroy
    public synchronized void close() {
        if (client != null) {
            connections.forEach(StatefulRedisConnection::close);
            connections.clear();
            client.shutdown();
        }
    }
}
