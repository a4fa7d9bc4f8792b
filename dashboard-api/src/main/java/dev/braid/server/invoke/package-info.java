/**
 * The invoke API: {@code POST /v1/pipelines/{name}/invoke}, its body's shape and its envelope,
 * answered at once or as {@code event: delta}/{@code done} server-sent events. The run itself is a
 * paid call ({@code calls.MeteredCalls}).
 */
package dev.braid.server.invoke;
