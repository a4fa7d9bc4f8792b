/**
 * The {@code mock} provider: deterministic answers for every task, misbehaving on purpose through target
 * options ({@code delay}, {@code failWith}, {@code failTimes}, {@code retryAfter}, {@code chunkDelay},
 * {@code failAfterChunks}) so routing, fallback and streaming can be tried offline. Sees only {@code api}.
 */
package dev.braid.components.model.mock;
