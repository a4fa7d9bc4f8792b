package dev.braid.server.limits;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Named counters for quotas and budgets: in this instance's memory ({@link LocalCounters}) or
 * shared by every instance through Redis ({@link RedisCounters}, when {@code braid.redis.uri} is
 * set). Answers are stages, so a Redis round trip never blocks a request thread.
 */
public sealed interface Counters permits LocalCounters, RedisCounters {

    CompletionStage<Long> get(String name);

    /** Adds {@code delta} (may be negative) and keeps the counter at least {@code ttl}. */
    CompletionStage<Long> add(String name, long delta, Duration ttl);

    /** Adds {@code amount} only if the total stays within {@code cap}, atomically: true when it did. */
    CompletionStage<Boolean> reserve(String name, long amount, long cap, Duration ttl);
}
