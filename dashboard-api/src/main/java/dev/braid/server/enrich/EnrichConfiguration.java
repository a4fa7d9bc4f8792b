package dev.braid.server.enrich;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;
import java.util.List;

/**
 * @param allowedHosts {@code host} (any port) or {@code host:port} entries an enrich step may call
 *     even when they resolve to loopback, private or link-local addresses (an internal CRM, a test server)
 * @param dnsTimeout how long resolving an enrich target's name may take
 */
@ConfigurationProperties("braid.enrich")
public record EnrichConfiguration(@Nullable List<String> allowedHosts, @Nullable Duration dnsTimeout) {

    public EnrichConfiguration {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        dnsTimeout = dnsTimeout == null ? Duration.ofSeconds(2) : dnsTimeout;
    }
}
