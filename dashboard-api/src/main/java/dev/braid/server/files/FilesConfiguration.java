package dev.braid.server.files;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

/**
 * Limits of {@code POST /v1/files} ({@code braid.files.*}). The whole request must also fit
 * {@code micronaut.server.max-request-size} (210MB), which must stay above {@code max-bytes}.
 *
 * @param maxBytes the largest file accepted (413 {@code file_too_large} beyond)
 * @param maxLines the most lines a file may have (400 {@code too_many_lines} beyond)
 */
@ConfigurationProperties("braid.files")
public record FilesConfiguration(
        @Bindable(defaultValue = "200MB") @ReadableBytes long maxBytes,
        @Bindable(defaultValue = "50000") int maxLines) {}
