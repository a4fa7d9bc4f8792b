/**
 * Builds the engine's {@code PipelineRuntime} from the server's configuration: Camel options,
 * the runtime's drain, output-guard secrets, the enrich policy and the shared response cache.
 */
package dev.braid.server.runtime;
