package dev.braid.server.limits;

import dev.braid.server.cluster.SharedRedis;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micronaut.context.annotation.Context;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where limits live: this instance's memory by default; Redis when {@code braid.redis.uri} is set,
 * so that every instance enforces one limit per key (Bucket4j's Lettuce proxy for the request-rate
 * buckets, {@link RedisCounters} for token quotas and budgets).
 *
 * <p>Built at startup ({@code @Context}): built lazily, its Redis connections were opened by the
 * first limited request, on a request thread, while every request behind it waited and then
 * raced its first commands against their timeout.
 */
@Context
public class SharedLimits {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLimits.class);
    private static final String PREFIX = "braid:limits:";

    private final AsyncProxyManager<String> buckets;
    private final Counters counters;

    public SharedLimits(SharedRedis redis, UsageTotals totals) {
        Backstop backstop = new Backstop(totals);
        if (!redis.enabled()) {
            buckets = null;
            counters = new LocalCounters(backstop);
            return;
        }
        StatefulRedisConnection<String, byte[]> bucketConnection =
                redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)).orElseThrow();
        StatefulRedisConnection<String, String> counterConnection = redis.connect(StringCodec.UTF8).orElseThrow();
        buckets = Bucket4jLettuce.casBasedBuilder(bucketConnection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(2)))
                .build()
                .asAsync()
                .withMapper((String key) -> PREFIX + "bucket:" + key);
        counters = new RedisCounters(counterConnection.async(), PREFIX, backstop);
        LOG.info("Rate limits, quotas and budgets are shared through Redis");
    }

    /** The shared bucket store, or null when buckets are local. */
    public AsyncProxyManager<String> buckets() {
        return buckets;
    }

    public Counters counters() {
        return counters;
    }
}
