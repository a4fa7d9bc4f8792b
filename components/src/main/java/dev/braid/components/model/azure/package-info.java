/**
 * The Azure OpenAI adapter: the OpenAI wire format behind Azure deployments, {@code api-version} and
 * {@code api-key} header. Built on {@code model.openai} and {@code model.http}.
 */
package dev.braid.components.model.azure;
