package dev.braid.server.access;

import dev.braid.server.limits.KeyQuota;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * An API key as the server knows it: never the secret, only its SHA-256.
 *
 * @param pipelines pipeline names an invoker may call, or null for all
 * @param models model names or patterns ({@code openai/*}) an invoker may call, or null for all
 * @param requestsPerMinute null: unlimited
 * @param tokensPerDay null: unlimited (UTC day)
 * @param usdPerMonth null: unlimited (UTC month)
 */
public record ApiKey(
        String id,
        String name,
        Role role,
        String prefix,
        String secretSha256,
        List<String> pipelines,
        List<String> models,
        Integer requestsPerMinute,
        Long tokensPerDay,
        BigDecimal usdPerMonth,
        Instant createdAt,
        Instant revokedAt) {

    public ApiKey {
        pipelines = pipelines == null ? null : List.copyOf(pipelines);
        models = models == null ? null : List.copyOf(models);
    }

    /** The key's limits, for the limits package. */
    public KeyQuota quota() {
        return new KeyQuota(id, requestsPerMinute, tokensPerDay, usdPerMonth);
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public Actor actor() {
        return new Actor(id, name);
    }

    public boolean allowsPipeline(String pipeline) {
        return pipelines == null || pipelines.contains(pipeline);
    }

    /** {@code openai/*} matches every openai model; {@code *} everything; otherwise the exact name. */
    public boolean allowsModel(String model) {
        if (models == null) {
            return true;
        }
        for (String pattern : models) {
            if (matches(pattern, model)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String value) {
        if (value == null) {
            return false;
        }
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String head = pattern.substring(0, star);
        String tail = pattern.substring(star + 1);
        if (tail.contains("*")) {
            // more than one star: keep it simple and strict, treat the rest literally after the first
            return value.startsWith(head) && value.length() >= head.length();
        }
        return value.length() >= head.length() + tail.length() && value.startsWith(head) && value.endsWith(tail);
    }
}
