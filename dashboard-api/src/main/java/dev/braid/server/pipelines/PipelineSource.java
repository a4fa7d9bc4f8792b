package dev.braid.server.pipelines;

/**
 * One pipeline file to deploy at startup.
 *
 * @param origin where it came from, for log lines ({@code classpath:braid/pipelines/echo.yaml}, a file path)
 * @param yaml the file's text
 */
public record PipelineSource(String origin, String yaml) {}
