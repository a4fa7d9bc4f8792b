package dev.braid.components.model.api;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The providers a {@code model:} component can call, by name. Safe for concurrent use. */
public final class ProviderRegistry {

    private final Map<String, ModelProvider> providers = new ConcurrentHashMap<>();

    /** Adds a provider, replacing any provider with the same name. */
    public void register(ModelProvider provider) {
        providers.put(provider.name(), provider);
    }

    public void registerAll(Collection<? extends ModelProvider> all) {
        all.forEach(this::register);
    }

    public Optional<ModelProvider> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(providers.get(name));
    }

    /** @throws ModelException.ModelNotFound when no provider has that name */
    public ModelProvider get(String name) {
        return find(name).orElseThrow(() -> new ModelException.ModelNotFound("unknown provider '" + name + "'"));
    }

    public Set<String> names() {
        return new TreeSet<>(providers.keySet());
    }
}
