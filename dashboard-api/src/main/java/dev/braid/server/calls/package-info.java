/**
 * Paid calls: the one path every request that can cost money goes through, whatever its front
 * door. {@link dev.braid.server.calls.MeteredCalls} reserves the budget, opens the span, makes the
 * call (a pipeline run or a routed model call, streamed or not), records usage, settles the spend
 * and bills what a failed run did. It takes plain values ({@link dev.braid.server.calls.Caller},
 * {@link dev.braid.server.calls.Source}, the pipeline or model, the body) so a new front door or a
 * worker calls it the same way; {@link dev.braid.server.calls.HttpCallers} reads a
 * {@code Caller} from an HTTP request.
 */
package dev.braid.server.calls;
