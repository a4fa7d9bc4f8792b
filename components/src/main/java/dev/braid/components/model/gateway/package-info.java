/**
 * {@link dev.braid.components.model.gateway.ModelGateway}: the single owner of the model layer's
 * shared state (providers, router and circuits, prices, response cache, scheduler). Built once per
 * process; the Camel adapter ({@code model.camel}) and the server use it, nothing else builds a router.
 * Depends on every other {@code model} package except {@code camel}; nothing but {@code camel} depends on it.
 */
package dev.braid.components.model.gateway;
