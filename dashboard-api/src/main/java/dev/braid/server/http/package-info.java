/**
 * What every front door shares at the HTTP edge: request ids ({@code X-Request-Id}) and the log
 * context that carries them, the OpenAI-shaped error answer ({@link dev.braid.server.http.ApiProblem},
 * {@link dev.braid.server.http.ErrorResponses}, the exception handler and response processor that
 * keep Micronaut's own bodies and stack traces out), server-sent event streams decided lazily
 * ({@link dev.braid.server.http.EventStream}), and JSON read limits. Knows no feature.
 */
package dev.braid.server.http;
