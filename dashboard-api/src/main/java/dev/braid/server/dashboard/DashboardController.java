package dev.braid.server.dashboard;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the dashboard page. It needs no key itself; its scripts (static resources under
 * {@code /dashboard/**}, see application.yml) call the JSON API with the key the user enters. Served
 * by a route of its own rather than a {@code /**} static mapping, so no unknown path ever falls
 * through to a file lookup and API 404s keep their JSON shape.
 */
@Hidden // a page, not part of the API
@Controller
public class DashboardController {

    /** Only this origin's scripts and styles; data is fetched from this origin only (no CDN, no inline code). */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final byte[] page;

    public DashboardController() {
        try (InputStream in = DashboardController.class.getResourceAsStream("/public/index.html")) {
            if (in == null) {
                throw new IllegalStateException("public/index.html is missing from the classpath");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Braid's mark, so a browser's automatic {@code /favicon.ico} request is answered (public, no key), not refused. */
    static final byte[] ICON = ("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">"
            + "<rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#16202c\"/>"
            + "<path d=\"M9 7h8a6 6 0 0 1 0 12H9zM9 19h9a6 6 0 0 1 0 12H9z\" fill=\"none\" stroke=\"#fff\" stroke-width=\"3\" transform=\"scale(1 .8) translate(2 0)\"/>"
            + "</svg>").getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Get(uri = "/favicon.ico", produces = "image/svg+xml")
    public HttpResponse<byte[]> favicon() {
        return HttpResponse.ok(ICON).contentType("image/svg+xml")
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "public, max-age=86400");
    }

    @Get(uri = "/", produces = MediaType.TEXT_HTML)
    public HttpResponse<byte[]> page() {
        return HttpResponse.ok(page)
                .contentType(MediaType.TEXT_HTML_TYPE + ";charset=utf-8")
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache");
    }
}
