package dev.braid.engine.runtime;

import dev.braid.components.model.api.ModelProvider;
import dev.braid.engine.spec.EnrichUrlCheck;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How the runtime is set up.
 *
 * @param providers the model providers {@code model:} may call (mock and local at least)
 * @param allowedCamelSchemes endpoint schemes the {@code camel} escape hatch may use
 * @param drainTimeout how long an old version's in-flight exchanges may run after a swap
 * @param enrichUrls judges literal enrich URLs when a pipeline is read (SSRF rules from the server)
 * @param outputSecrets what an output guard ({@code guard: {output: true}}) blocks besides masked
 *     originals: literal strings, or {@code regex:<pattern>}
 */
public record RuntimeSettings(List<ModelProvider> providers, Set<String> allowedCamelSchemes, Duration drainTimeout,
        EnrichUrlCheck enrichUrls, Set<String> outputSecrets) {

    public static final Set<String> DEFAULT_CAMEL_SCHEMES = Set.of("log");

    public RuntimeSettings {
        providers = List.copyOf(providers);
        allowedCamelSchemes = Set.copyOf(allowedCamelSchemes);
        enrichUrls = enrichUrls == null ? EnrichUrlCheck.NONE : enrichUrls;
        outputSecrets = outputSecrets == null ? Set.of() : Set.copyOf(outputSecrets);
    }

    public RuntimeSettings(List<ModelProvider> providers, Set<String> allowedCamelSchemes, Duration drainTimeout,
            EnrichUrlCheck enrichUrls) {
        this(providers, allowedCamelSchemes, drainTimeout, enrichUrls, Set.of());
    }

    /** Settings with no validation-time enrich URL check. */
    public RuntimeSettings(List<ModelProvider> providers, Set<String> allowedCamelSchemes, Duration drainTimeout) {
        this(providers, allowedCamelSchemes, drainTimeout, EnrichUrlCheck.NONE, Set.of());
    }
}
