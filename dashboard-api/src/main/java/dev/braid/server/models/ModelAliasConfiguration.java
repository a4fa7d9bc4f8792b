package dev.braid.server.models;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;

/**
 * One model alias, {@code braid.models.aliases.<alias>}: a name callers use as {@code model} on
 * the OpenAI-compatible API, routed like a pipeline's model step.
 *
 * <pre>
 * braid:
 *   models:
 *     aliases:
 *       fast:
 *         strategy: fallback            # fallback | weighted | least-latency | cheapest
 *         targets:
 *           - { provider: openai, model: gpt-4o-mini }
 *           - { provider: anthropic, model: claude-3-5-haiku-latest }
 *         retries: 1
 *         timeout: 10s
 *         "on": [429, 5xx, timeout, connect]   # what falls back; default all (also 408)
 * </pre>
 *
 * Quote {@code "on"} in application.yml: YAML 1.1 reads a bare {@code on} key as {@code true}.
 *
 * Target keys other than {@code provider} and {@code model} are target options, as in a pipeline
 * ({@code weight}, and the mock's {@code delay}, {@code chunkDelay}, {@code failWith}, …).
 *
 * @param name the alias, the name callers send as {@code model}
 * @param strategy how a target is chosen: fallback (in order, the default), weighted, least-latency or cheapest
 * @param targets the provider and model pairs to route to, each with its target options
 * @param retries how many times one target is retried before the next is tried
 * @param timeout how long one attempt may take ({@code 10s})
 * @param on which failures fall back to the next target: 429, 5xx, timeout, connect, 408, auth, 404 (default: all)
 */
@EachProperty("braid.models.aliases")
public record ModelAliasConfiguration(
        @Parameter String name,
        @Nullable String strategy,
        @Nullable List<Map<String, Object>> targets,
        @Nullable Integer retries,
        @Nullable String timeout,
        @Nullable List<String> on) {}
