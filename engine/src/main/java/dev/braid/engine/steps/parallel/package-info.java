/**
 * The {@code parallel} step kind: reading its branches, compiling them to a Camel multicast over
 * the branches' routes, the aggregation strategy that keeps one failing branch from failing the
 * multicast, and {@code braid:join}, which applies {@code onBranchError}.
 */
package dev.braid.engine.steps.parallel;
