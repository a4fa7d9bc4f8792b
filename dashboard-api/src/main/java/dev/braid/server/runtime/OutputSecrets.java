package dev.braid.server.runtime;

import dev.braid.server.providers.ConfiguredProviders;
import dev.braid.server.providers.ProviderSettings;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/** Everything an output guard blocks besides masked originals: {@code braid.guard.secrets} and every provider key. */
@Singleton
public final class OutputSecrets {

    private final Set<String> secrets;

    public OutputSecrets(GuardConfiguration config, ConfiguredProviders providers) {
        Set<String> all = new HashSet<>(config.secrets());
        providers.settings().stream().map(ProviderSettings::apiKey).filter(Objects::nonNull)
                .filter(k -> k.length() >= 8) // a short "key" (a local server's "x") would block ordinary text
                .forEach(all::add);
        for (String s : all) {
            if (s.startsWith("regex:")) {
                java.util.regex.Pattern.compile(s.substring("regex:".length())); // a bad pattern fails the start, not a request
            }
        }
        this.secrets = Set.copyOf(all);
    }

    public Set<String> secrets() {
        return secrets;
    }
}
