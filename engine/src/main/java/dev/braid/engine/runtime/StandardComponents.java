package dev.braid.engine.runtime;

import java.util.Map;
import org.apache.camel.Component;

/** The components every Braid CamelContext has besides {@code braid:} and {@code direct:}. */
final class StandardComponents {

    private StandardComponents() {}

    static Map<String, Component> create(RuntimeSettings settings) {
        return Map.of();
    }
}
