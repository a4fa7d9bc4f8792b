package dev.braid.server.files;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

/**
 * Limits of {@code POST /v1/files} ({@code braid.files.*}). The request itself may be larger than
 * {@code micronaut.server.max-request-size} allows only up to the multipart overhead: that setting
 * must stay above {@code max-bytes}.
 *
 * @param maxBytes the largest file accepted (413 {@code file_too_large} beyond)
 * @param maxLines the most lines a file may have (400 {@code too_many_lines} beyond)
 */
@ConfigurationProperties("braid.files")
public record FilesConfiguration(
        @Bindable(defaultValue = "200MB") @ReadableBytes long maxBytes,
        @Bindable(defaultValue = "50000") int maxLines) {}
