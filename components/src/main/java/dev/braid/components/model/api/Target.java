package dev.braid.components.model.api;

import java.util.Map;

/**
 * One provider/model pair a model step may call, with provider-specific options
 * (for the mock provider: {@code delay: 50ms}, {@code failWith: 500}).
 */
public record Target(String provider, String model, Map<String, String> options) {

    public Target {
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static Target of(String provider, String model) {
        return new Target(provider, model, Map.of());
    }

    /** {@code provider/model}, the name operators and usage records use. */
    public String qualifiedName() {
        return provider + "/" + model;
    }
}
