/**
 * The one audit trail, read: {@code GET /api/audit} merges the registry's events (deploy,
 * activate, rollback) and the access events (keys created and revoked, provider credentials set),
 * newest first, with keyset pages.
 */
package dev.braid.server.audit;
