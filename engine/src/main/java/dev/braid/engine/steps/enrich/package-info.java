/**
 * The {@code enrich} step kind: reading (with the SSRF check of literal targets), compiling to
 * {@code braid:enrich}, and the HTTP lookup itself (bounded body, target policy after DNS, timeouts).
 */
package dev.braid.engine.steps.enrich;
