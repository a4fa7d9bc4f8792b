/**
 * The dashboard: its page and static files at {@code GET /} (no key needed) and
 * {@code GET /api/whoami}, which tells the page what the calling key may do.
 */
package dev.braid.server.dashboard;
