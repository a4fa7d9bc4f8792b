/**
 * {@code POST /api/config/reload} (admin): re-reads this instance's configuration ({@code braid.yml},
 * the environment, system properties) and applies what can change while serving: today the enrich
 * allowlist. Other changed keys are named in the answer as needing a restart.
 */
package dev.braid.server.reload;
