/**
 * What the HTTP provider adapters ({@code openai}, {@code azure}, {@code anthropic}, {@code gemini},
 * {@code ollama}) share: {@link dev.braid.components.model.http.ProviderHttp} (one JDK HttpClient per
 * provider, named {@code braid-http-N} threads, connect / first-byte / total timeouts, body and line
 * size limits), the byte-level line splitter feeding {@link dev.braid.components.model.http.SseDecoder}
 * and {@link dev.braid.components.model.http.NdjsonDecoder}, what every stream decoder builds its final
 * answer with ({@link dev.braid.components.model.http.StreamAccumulator}), the status-to-error mapping
 * ({@link dev.braid.components.model.http.ProviderErrors}), usage estimation and the task dispatch
 * ({@link dev.braid.components.model.http.HttpProvider}), and sentiment on top of chat
 * ({@link dev.braid.components.model.http.LlmSentiment}).
 */
package dev.braid.components.model.http;
