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

    private final byte[] spec = tidy(new String(read(SPEC), java.nio.charset.StandardCharsets.UTF_8))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

    /**
     * Two corrections to the generated document, made once at start (the generator's output is
     * regular block YAML): (1) micronaut-openapi types a {@code @Nullable} value as
     * {@code [string, "null", object]}; {@code object} is dropped, and a query parameter, which is
     * optional rather than null, keeps only its type (the annotated one, when a
     * {@code @Schema(type = …)} names it); (2) the routes {@code AccessFilter} serves
     * without a key (the pipeline schema) say {@code security: []} instead of inheriting the
     * global key requirement.
     */
    static String tidy(String yaml) {
        java.util.List<String> lines = yaml.lines().toList();
        StringBuilder out = new StringBuilder(yaml.length());
        String path = null;
        boolean queryParameter = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            int indent = line.length() - line.stripLeading().length();
            if (indent == 2 && trimmed.startsWith("/") && trimmed.endsWith(":")) {
                path = trimmed.substring(0, trimmed.length() - 1);
            } else if (indent == 0) {
                path = null;
            }
            if (trimmed.startsWith("- name: ")) {
                queryParameter = false;
            } else if (trimmed.equals("in: query")) {
                queryParameter = true;
            } else if (trimmed.equals("requestBody:") || trimmed.equals("responses:")) {
                queryParameter = false;
            }
            if (trimmed.equals("type:")) {
                java.util.List<String> types = new java.util.ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && lines.get(j).startsWith(" ".repeat(indent) + "- ")) {
                    types.add(lines.get(j).trim().substring(2));
                    j++;
                }
                if (types.contains("object") && types.size() > 1) {
                    types.remove("object");
                    if (queryParameter) {
                        types.remove("\"null\"");
                        // a @Schema(type = …) on a String parameter is listed last: it is what the value means
                        types = new java.util.ArrayList<>(types.subList(types.size() - 1, types.size()));
                    }
                    String pad = " ".repeat(indent);
                    if (types.size() == 1) {
                        out.append(pad).append("type: ").append(types.get(0)).append('\n');
                    } else {
                        out.append(line).append('\n');
                        types.forEach(t -> out.append(pad).append("- ").append(t).append('\n'));
                    }
                    i = j - 1;
                    continue;
                }
            }
            out.append(line).append('\n');
            if (path != null && indent == 4 && trimmed.matches("(get|head):")
                    && dev.braid.server.access.AccessFilter.isPublic(io.micronaut.http.HttpMethod.GET, path)) {
                out.append("      security: []\n");
            }
        }
        return out.toString();
    }
}
