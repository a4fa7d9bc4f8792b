/**
 * The contract between a Camel component and the pipeline step it serves: routes name a step by key
 * only, and {@link dev.braid.components.step.StepBindings} (bound in the Camel registry by the engine)
 * hands the component the step's binding ({@link dev.braid.components.step.StepIO}: read input, write
 * result). {@link dev.braid.components.step.MessageBody} reads the body when there is no step.
 */
package dev.braid.components.step;
