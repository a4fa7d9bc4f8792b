/**
 * The server's edge: what is refused or tidied before any controller runs, and how connections
 * end. Control characters and malformed UTF-8 in paths and queries, JSON bodies that are not
 * UTF-8 or hold numbers no double can, bodies announced larger than the limit (answered before
 * {@code 100 Continue}), clients that abort an upload, and connections closed after an early
 * answer (lingering, so the client reads it). Issue 13; DESIGN.md, "Hardening".
 */
package dev.braid.server.edge;
