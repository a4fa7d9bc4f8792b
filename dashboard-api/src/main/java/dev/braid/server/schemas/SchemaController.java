package dev.braid.server.schemas;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the engine's {@code /braid/pipeline.schema.json}, read once: what the reader enforces, for editors. */
@Controller("/schemas")
public class SchemaController {

    /** The path the shipped pipelines' {@code # yaml-language-server: $schema=…} line names. */
    public static final String PIPELINE_SCHEMA = "/schemas/pipeline.json";

    private final byte[] pipelineSchema;

    public SchemaController() {
        try (InputStream in = SchemaController.class.getResourceAsStream("/braid/pipeline.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("braid/pipeline.schema.json is missing from the engine's jar");
            }
            pipelineSchema = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(uri = "/pipeline.json", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<byte[]> pipeline() {
        return HttpResponse.ok(pipelineSchema).header("Cache-Control", "public, max-age=300");
    }
}
