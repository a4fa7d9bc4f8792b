/**
 * The Anthropic Messages front door (issue 16; DESIGN.md, "More front doors"): {@code POST /v1/messages}
 * streamed or not, and {@code POST /v1/messages/count_tokens}, in Anthropic's wire format, errors in
 * Anthropic's shape and vocabulary. Any model name works ({@code provider/model}, an alias,
 * {@code pipeline/<name>}): requests are read into the unified model request and every paid call goes
 * through {@code calls.MeteredCalls} with source {@code messages}.
 */
package dev.braid.server.messages;
