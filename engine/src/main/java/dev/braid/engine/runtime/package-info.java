/**
 * The runtime, split along its seams: {@link dev.braid.engine.runtime.PipelineRuntime} is the facade
 * the server uses; {@code CamelHost} owns the one CamelContext and loads and removes a version's
 * routes; {@code VersionTable} knows which versions are loaded and where each pipeline's calls go
 * (one immutable {@code Routing} per pipeline), and drains replaced versions; {@code Invoker} runs one
 * call; {@code RouteCheck} checks routes in a throwaway context for validation. Also the engine's own
 * {@code braid:} component (the frame operations begin, when, finish; the rest run in step bindings)
 * and the step-binding registry.
 */
package dev.braid.engine.runtime;
