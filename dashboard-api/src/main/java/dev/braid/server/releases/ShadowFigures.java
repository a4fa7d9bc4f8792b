package dev.braid.server.releases;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;

/**
 * Shadow runs over the guard window: how many, how many failed, and the share of those that answered
 * whose {@code output} equals the stable answer's (null before any answered).
 */
@Introspected
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
public record ShadowFigures(long requests, long errors, @Nullable Double matchRate) {}
