/**
 * The pipeline language's JSON Schema served to editors at {@code GET /schemas/pipeline.json}, with no key:
 * it is the public grammar (no data, no secret), and editors such as the YAML language server fetch a
 * {@code $schema} URL without credentials.
 */
package dev.braid.server.schemas;
