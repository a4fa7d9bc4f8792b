/**
 * Model providers as the server configures them: from {@code braid.providers.*} and the
 * environment, or set over {@code PUT /api/providers} (credentials AES-GCM encrypted at rest,
 * spread to other instances), applied to the runtime's model layer through one set of adapters.
 */
package dev.braid.server.providers;
