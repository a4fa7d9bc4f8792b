/**
 * The {@code enrich} step kind: reading (with the SSRF check of literal targets), compiling to
 * {@code braid:enrich}, and the HTTP lookup itself (bounded body, target policy after DNS, timeouts).
 * Header names the HTTP client refuses or owns are refused when the pipeline is read ({@code EnrichHeaders}).
 */
package dev.braid.engine.steps.enrich;
