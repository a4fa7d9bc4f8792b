/**
 * The OpenAI adapter: its {@code ModelProvider}, settings (base URL, key), package-private wire records with
 * the mapping both ways, and its stream decoder. Built on {@code model.http}; sees only {@code api} besides.
 */
package dev.braid.components.model.openai;
