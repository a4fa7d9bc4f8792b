package dev.braid.server.apidocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The served description: valid OpenAPI 3.1, and every /v1 and /api route the server has is in it with its errors. */
@MicronautTest
class OpenApiSpecTest {

    @Inject
    EmbeddedServer server;

    @Inject
    Router router;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    OpenAPI servedSpec() throws Exception {
        HttpResponse<String> spec = get("/openapi.yml"); // no Authorization header: the description is public
        assertEquals(200, spec.statusCode(), spec.body());
        assertTrue(spec.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        ParseOptions options = new ParseOptions();
        options.setResolve(false); // structure only: the 3.1 resolver misreads a local $ref in a merged path
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(spec.body(), null, options);
        assertTrue(parsed.getMessages().isEmpty(), "parser messages: " + parsed.getMessages());
        assertNotNull(parsed.getOpenAPI());
        return parsed.getOpenAPI();
    }

    @Test
    void theServedSpecIsValidOpenApi31WithTheErrorShapeAsAComponent() throws Exception {
        OpenAPI spec = servedSpec();
        assertEquals("3.1.0", spec.getOpenapi());
        assertEquals(io.swagger.v3.oas.models.SpecVersion.V31, spec.getSpecVersion());
        var errorBody = spec.getComponents().getSchemas().get("ErrorBody");
        assertNotNull(errorBody, "ErrorBody component");
        assertTrue(errorBody.getProperties().containsKey("error"), "OpenAI's {\"error\":{...}}");
        assertNotNull(spec.getComponents().getSecuritySchemes().get("apiKey"));
    }

    @Test
    void everyV1AndApiRouteIsInTheSpecWithItsErrors() throws Exception {
        OpenAPI spec = servedSpec();
        Set<String> routes = new TreeSet<>();
        router.uriRoutes().forEach(route -> {
            String path = normalise(route);
            String method = route.getHttpMethod().name();
            // Micronaut answers HEAD for every GET: OpenAPI describes the GET
            if ((path.startsWith("/v1/") || path.startsWith("/api/")) && !method.equals("HEAD") && !method.equals("OPTIONS")) {
                routes.add(route.getHttpMethod().name() + " " + path);
            }
        });
        assertTrue(routes.size() >= 20, "routes found: " + routes);

        Set<String> missing = new TreeSet<>();
        Set<String> withoutErrors = new TreeSet<>();
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            PathItem item = spec.getPaths().get(path);
            Operation op = item == null ? null : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method));
            if (op == null) {
                missing.add(route);
                continue;
            }
            Map<String, ApiResponse> responses = op.getResponses();
            boolean errors = responses != null
                    && responses.containsKey("4XX")
                    && responses.containsKey("5XX")
                    && responses.get("4XX").getContent().get("application/json").getSchema().get$ref().endsWith("/ErrorBody");
            if (!errors) {
                withoutErrors.add(route);
            }
        }
        assertEquals(Set.of(), missing, "routes the spec does not describe");
        assertEquals(Set.of(), withoutErrors, "operations without their 4XX/5XX ErrorBody responses");
    }

    @Test
    void thePageRendersTheSpecWithoutAKey() throws Exception {
        HttpResponse<String> page = get("/swagger-ui");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/swagger-ui/openapi.yml"), "the page loads the spec next to it");
        assertEquals(200, get("/swagger-ui/res/swagger-ui-bundle.js").statusCode());
        assertEquals(200, get("/swagger-ui/openapi.yml").statusCode());
        HttpResponse<String> docs = get("/docs");
        assertEquals(303, docs.statusCode());
        assertEquals("/swagger-ui", docs.headers().firstValue("Location").orElse(""));
    }

    /** {@code /v1/models/{+id}} and {@code /api/usage{?from,to}} as OpenAPI writes them: {@code /v1/models/{id}}, {@code /api/usage}. */
    static String normalise(UriRouteInfo<?, ?> route) {
        String template = route.getUriMatchTemplate().toPathString();
        return template.replaceAll("\\{\\?[^}]*}", "").replaceAll("\\{[+#/]?([A-Za-z0-9_]+)(:[^}]*)?}", "{$1}");
    }

    @Test
    void publicRoutesNeedNoKeyAndQueryParametersHaveOneType() throws Exception {
        String body = get("/openapi.yml").body();
        assertTrue(!body.contains("- object"), "a nullable value typed object: " + body.lines()
                .filter(l -> l.contains("- object")).count());
        OpenAPI spec = servedSpec();
        Operation schema = spec.getPaths().get("/schemas/pipeline.json").getGet();
        assertNotNull(schema.getSecurity(), "the pipeline schema is public");
        assertTrue(schema.getSecurity().isEmpty(), schema.getSecurity().toString());
        // an admin route keeps the global key requirement
        assertEquals(null, spec.getPaths().get("/api/requests").getGet().getSecurity());
        for (String[] p : new String[][] {{"/api/usage", "from", "string"}, {"/api/requests", "limit", "integer"},
                {"/api/pipelines", "activate", "boolean"}}) {
            PathItem item = spec.getPaths().get(p[0]);
            Operation op = item.getGet() != null && "/api/pipelines".equals(p[0]) == false ? item.getGet() : item.getPost();
            var parameter = op.getParameters().stream().filter(x -> x.getName().equals(p[1])).findFirst().orElseThrow();
            var types = parameter.getSchema().getTypes();
            assertEquals(Set.of(p[2]), types == null ? Set.of(parameter.getSchema().getType()) : types, p[0] + " " + p[1]);
        }
        // a nullable body field stays nullable, without object
        io.swagger.v3.oas.models.media.Schema<?> version = (io.swagger.v3.oas.models.media.Schema<?>)
                spec.getComponents().getSchemas().get("InvokeRequest").getProperties().get("version");
        assertEquals(Set.of("integer", "null"), version.getTypes());
    }
}
