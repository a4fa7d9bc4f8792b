/**
 * The {@code guard:check} Camel component: input limits (tokens, characters), the prompt-injection
 * heuristic ({@link dev.braid.components.guard.PromptInjectionDetector}) and an optional model judge,
 * each with an action (off, flag, block); a block fails the exchange with
 * {@link dev.braid.components.guard.GuardBlockedException}.
 */
package dev.braid.components.guard;
