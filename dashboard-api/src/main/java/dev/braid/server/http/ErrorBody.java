package dev.braid.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Introspected;
import java.util.List;

/** Every error body Braid sends: OpenAI's shape, {@code {"error":{type, code, message, param}}}. */
@Introspected
public record ErrorBody(Detail error) {

    /**
     * @param param the request field at fault, or null (always present, as OpenAI sends it)
     * @param errors for 422 only: every problem in the pipeline, with line and column
     */
    @Introspected
    public record Detail(
            String type,
            String code,
            String message,
            @JsonInclude(JsonInclude.Include.ALWAYS) String param,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Location> errors) {}

    /** One pipeline problem: 1-based line and column, 0-based path. */
    @Introspected
    public record Location(int line, int column, String path, String message) {}
}
