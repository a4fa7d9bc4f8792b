/**
 * Token counting ({@link dev.braid.components.tokens.TokenCounter}, jtokkit encodings per model): for
 * usage estimates, guard limits and budgets. Depends on nothing else in Braid.
 */
package dev.braid.components.tokens;
