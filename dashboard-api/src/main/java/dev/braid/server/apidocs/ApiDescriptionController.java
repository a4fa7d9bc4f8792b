package dev.braid.server.apidocs;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * Serves the generated description. The document is read once: it is a build output and cannot
 * change while the server runs. Served by routes of its own rather than a static mapping of
 * {@code META-INF/swagger}, so that only these two files are reachable.
 */
@Hidden
@OpenAPIDefinition(
        info = @Info(
                title = "Braid",
                version = "v1",
                description = "Braid's HTTP API: the invoke and OpenAI-compatible front doors under /v1 and the admin "
                        + "API under /api. Every call needs an API key (Authorization: Bearer <key>); every error is "
                        + "OpenAI's error shape (ErrorBody)."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer", description = "A Braid API key")
@Controller
public class ApiDescriptionController {

    static final String SPEC = "META-INF/swagger/openapi.yml";
    static final String PAGE = "META-INF/swagger/views/swagger-ui/index.html";
    static final MediaType YAML = MediaType.of("application/yaml");

    private final byte[] spec = read(SPEC);
    private final byte[] page = read(PAGE);

    @Get("/openapi.yml")
    public HttpResponse<byte[]> spec() {
        return HttpResponse.ok(spec).contentType(YAML);
    }

    /** The page asks for its spec next to itself. */
    @Get("/swagger-ui/openapi.yml")
    public HttpResponse<byte[]> specForPage() {
        return spec();
    }

    @Get("/swagger-ui")
    public HttpResponse<byte[]> page() {
        return HttpResponse.ok(page).contentType(MediaType.TEXT_HTML_TYPE);
    }

    @Get("/docs")
    public HttpResponse<?> docs() {
        return HttpResponse.seeOther(URI.create("/swagger-ui"));
    }

    private static byte[] read(String resource) {
        try (InputStream in = ApiDescriptionController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: the micronaut-openapi processor writes it at build time");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
