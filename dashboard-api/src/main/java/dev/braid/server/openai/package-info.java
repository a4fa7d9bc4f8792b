/**
 * The OpenAI-compatible front door: {@code /v1/chat/completions} (streamed or not),
 * {@code /v1/embeddings} and {@code /v1/models}, reading and writing OpenAI's wire format. Every
 * call it makes is a paid call ({@code calls.MeteredCalls}).
 */
package dev.braid.server.openai;
