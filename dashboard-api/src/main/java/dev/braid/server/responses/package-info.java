/**
 * The OpenAI Responses door: {@code POST /v1/responses} (its input items, instructions, function
 * tools, {@code text.format} and typed stream events), translated onto the unified model request
 * every provider adapter speaks, and the stored responses ({@code store}, {@code previous_response_id},
 * {@code GET}/{@code DELETE /v1/responses/{id}}) kept for {@code braid.responses.ttl}. Every call
 * it makes is a paid call ({@code calls.MeteredCalls}).
 */
package dev.braid.server.responses;
