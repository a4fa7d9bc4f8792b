package dev.braid.server.runtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * @param secrets what an output guard ({@code guard: {output: true}}) blocks besides masked
 *     originals and the configured providers' API keys: literal strings, or {@code regex:<pattern>}
 */
@ConfigurationProperties("braid.guard")
public record GuardConfiguration(@Nullable List<String> secrets) {

    public GuardConfiguration {
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }
}
