package dev.braid.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the page and its assets are served: same origin only, and API paths keep their JSON errors. */
@MicronautTest
class DashboardServingTest {

    @Inject
    EmbeddedServer server;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(20));
        if (accept != null) {
            r.header("Accept", accept);
        }
        return client.send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageIsHtmlWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/", "text/html");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertTrue(page.body().contains("<script type=\"module\" src=\"/dashboard/app.js\"></script>"), page.body());
        // no inline script and nothing from another origin: every src/href is a path on this server
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page.body());
        int count = 0;
        while (refs.find()) {
            count++;
            assertTrue(refs.group(1).startsWith("/dashboard/"), refs.group(1));
            HttpResponse<String> asset = get(refs.group(1), null);
            assertEquals(200, asset.statusCode(), refs.group(1));
        }
        assertEquals(2, count);
        assertFalse(Pattern.compile("<script>").matcher(page.body()).find());
    }

    @Test
    void everyModuleTheAppImportsIsServedAsJavaScript() throws Exception {
        HttpResponse<String> app = get("/dashboard/app.js", null);
        assertTrue(app.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                app.headers().map().toString());
        assertFalse(app.body().contains("innerHTML"));
        Matcher imports = Pattern.compile("from '\\./([a-z]+\\.js)'").matcher(app.body());
        int count = 0;
        while (imports.find()) {
            count++;
            HttpResponse<String> module = get("/dashboard/" + imports.group(1), null);
            assertEquals(200, module.statusCode(), imports.group(1));
            assertTrue(module.headers().firstValue("Content-Type").orElse("").contains("javascript"));
            // data reaches the DOM as text nodes only
            assertFalse(module.body().contains("innerHTML") || module.body().contains("insertAdjacentHTML"),
                    imports.group(1));
        }
        assertEquals(5, count); // api, charts, diff, dom, ops
    }

    @Test
    void whoamiNamesTheCaller() throws Exception {
        // this server runs without keys (braid.auth.enabled=false in tests): every caller is an admin
        HttpResponse<String> r = get("/api/whoami", null);
        assertEquals(200, r.statusCode(), r.body());
        var me = new ObjectMapper().readTree(r.body());
        assertEquals("admin", me.path("role").asText(), r.body());
        assertTrue(me.path("canChange").asBoolean(), r.body());
        assertFalse(r.body().contains("secret") || r.body().contains("Sha256"), r.body());
    }

    @Test
    void unknownPathsStillAnswerJson404() throws Exception {
        for (String path : new String[] {"/nope", "/api/nope", "/dashboard/nope.js", "/index.html"}) {
            HttpResponse<String> r = get(path, "text/html");
            assertEquals(404, r.statusCode(), path);
            assertEquals("not_found", new ObjectMapper().readTree(r.body()).path("error").path("code").asText(), path);
        }
    }
}
