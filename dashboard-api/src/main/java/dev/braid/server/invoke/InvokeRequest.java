package dev.braid.server.invoke;

import io.micronaut.core.annotation.Nullable;

/**
 * The body of {@code POST /v1/pipelines/{name}/invoke}.
 *
 * @param input the pipeline's input, a JSON object checked against the pipeline's input schema
 * @param version a pinned version, or null for the active one
 * @param stream whether to answer with server-sent events
 */
public record InvokeRequest(@Nullable Object input, @Nullable Integer version, @Nullable Boolean stream) {}
