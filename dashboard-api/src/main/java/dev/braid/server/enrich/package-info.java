/**
 * The enrich step's outbound rules for the server: which hosts an enrich URL may reach (SSRF
 * policy, address rules, the allowlist {@code braid.enrich.allowed-hosts}).
 */
package dev.braid.server.enrich;
