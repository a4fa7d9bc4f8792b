/**
 * What every front door shares at the HTTP edge: request ids ({@code X-Request-Id}) and the log
 * context that carries them, the OpenAI-shaped error answer ({@link dev.braid.server.http.ApiProblem},
 * {@link dev.braid.server.http.ErrorResponses}, the exception handler and response processor that
 * keep Micronaut's own bodies and stack traces out), server-sent event streams decided lazily
 * ({@link dev.braid.server.http.EventStream}), and JSON read limits. And what is refused or tidied
 * before any controller runs, and how connections end (issue 13; DESIGN.md, "Hardening at the
 * edge"): control characters and malformed UTF-8 in paths and queries ({@link
 * dev.braid.server.http.RequestText}), JSON bodies that are not UTF-8 ({@link
 * dev.braid.server.http.JsonBodies}) or hold numbers no double can ({@link
 * dev.braid.server.http.StrictJson}), bodies announced over the limit, answered before
 * {@code 100 Continue} ({@link dev.braid.server.http.EarlyTooLarge}), clients that abort an upload
 * ({@link dev.braid.server.http.ClientAborts}), and connections that linger on close so the client
 * reads an early answer ({@link dev.braid.server.http.LingeringClose}). Knows no feature.
 */
package dev.braid.server.http;
