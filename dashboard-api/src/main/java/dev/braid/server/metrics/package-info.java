/**
 * Prometheus metrics: requests, steps, tokens, cost and errors from the same usage records as
 * the table ({@code UsageListener}), plus pipeline and circuit gauges.
 */
package dev.braid.server.metrics;
