package dev.braid.server.tracing;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * {@code braid.tracing.*}.
 *
 * @param recordContent put prompts and completions into spans; off by default, because spans
 *     leave the process (OTLP) and texts may hold personal data
 */
@ConfigurationProperties("braid.tracing")
public record TracingConfiguration(Boolean recordContent) {

    public TracingConfiguration {
        recordContent = recordContent != null && recordContent;
    }
}
