package dev.braid.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the JSON API reads must be JSON as RFC 8259 defines it between systems: UTF-8, and numbers a
 * double can hold. Issue 13, items 12 and 13: {@code 1e400} answered 500, {@code 1e999999999} came
 * back as the string {@code "Infinity"}, overlong UTF-8 ({@code C0 AF} read as {@code /}) and
 * UTF-16LE bodies answered 200.
 */
class JsonBodyEdgeTest {

    static EdgeServer edge;

    static final String ECHO = """
            apiVersion: braid/v1
            kind: Pipeline
            name: json-echo
            steps:
              - id: t
                transform: { jsonata: "input" }
            """;

    @BeforeAll
    static void start() throws Exception {
        edge = EdgeServer.start(null, Map.of());
        HttpResponse<String> r = edge.send("POST", "/api/pipelines?activate=true", EdgeServer.ADMIN, "application/yaml",
                ECHO.getBytes(StandardCharsets.UTF_8));
        assertTrue(r.statusCode() == 201 || r.statusCode() == 200, r.body());
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
        return edge.send("POST", path, EdgeServer.ADMIN, contentType, body);
    }

    static void assertBadRequest(String what, HttpResponse<String> r, List<String> failures) {
        if (r.statusCode() != 400 || !r.body().contains("\"invalid_request_error\"") || r.body().contains("Exception")
                || r.body().contains("Infinity")) {
            failures.add(what + " -> " + r.statusCode() + " " + r.body());
        }
    }

    @Test
    void numbersNoDoubleCanHoldAre400() throws Exception {
        edge.clearLogs();
        List<String> failures = new ArrayList<>();
        for (String n : List.of("1e400", "-1e400", "1e999999999", "1E+309", "-2.5e308")) {
            assertBadRequest("key usdPerMonth " + n, post("/api/keys",
                    ("{\"name\":\"big\",\"role\":\"viewer\",\"usdPerMonth\":" + n + "}").getBytes(StandardCharsets.UTF_8),
                    "application/json"), failures);
            assertBadRequest("key tokensPerDay " + n, post("/api/keys",
                    ("{\"name\":\"big\",\"role\":\"viewer\",\"tokensPerDay\":" + n + "}").getBytes(StandardCharsets.UTF_8),
                    "application/json"), failures);
            assertBadRequest("invoke input " + n, post("/v1/pipelines/json-echo/invoke",
                    ("{\"input\":{\"n\":" + n + "}}").getBytes(StandardCharsets.UTF_8), "application/json"), failures);
            assertBadRequest("chat temperature " + n, post("/v1/chat/completions",
                    ("{\"model\":\"mock/x\",\"temperature\":" + n + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                            .getBytes(StandardCharsets.UTF_8), "application/json"), failures);
        }
        System.out.printf("item 12: %d of 20 non-finite numbers answered other than 400%n", failures.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // large but finite numbers still pass through
        HttpResponse<String> ok = post("/v1/pipelines/json-echo/invoke",
                "{\"input\":{\"n\":1.5e308,\"m\":-4.9e-324,\"i\":123456789012345678901234567890}}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertEquals(200, ok.statusCode(), ok.body());
        assertFalse(ok.body().contains("Infinity"), ok.body());
        assertTrue(edge.alarming().isEmpty(), EdgeServer.describe(edge.alarming()));
    }

    static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void bodiesThatAreNotUtf8Are400OnEveryJsonRoute() throws Exception {
        edge.clearLogs();
        Map<String, String> routes = Map.of(
                "/v1/pipelines/json-echo/invoke", "{\"input\":{\"text\":\"%s\"}}",
                "/v1/chat/completions", "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}",
                "/v1/embeddings", "{\"model\":\"mock/embed\",\"input\":\"%s\"}",
                "/api/keys", "{\"name\":\"k%s\",\"role\":\"viewer\"}");
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (Map.Entry<String, String> route : routes.entrySet()) {
            String[] halves = route.getValue().split("%s");
            // overlong "/" (C0 AF), a lone continuation byte, a truncated sequence, an encoded surrogate (ED A0 80)
            for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0x80},
                    new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80})) {
                cases++;
                assertBadRequest(route.getKey() + " bytes " + java.util.HexFormat.of().formatHex(bad),
                        post(route.getKey(), concat(halves[0], bad, halves[1]), "application/json"), failures);
            }
            String valid = route.getValue().formatted("hello");
            for (java.nio.charset.Charset cs : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16)) {
                cases += 2;
                assertBadRequest(route.getKey() + " " + cs, post(route.getKey(), valid.getBytes(cs), "application/json"), failures);
                assertBadRequest(route.getKey() + " " + cs + " declared", post(route.getKey(), valid.getBytes(cs),
                        "application/json; charset=" + cs.name()), failures);
            }
        }
        System.out.printf("item 13: %d of %d non-UTF-8 bodies answered other than 400%n", failures.size(), cases);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        // real UTF-8 beyond ASCII is fine
        HttpResponse<String> ok = post("/v1/pipelines/json-echo/invoke",
                "{\"input\":{\"text\":\"héllo ✓ 😀\"}}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("héllo ✓ 😀", EdgeServer.json(ok).at("/output/text").asText(), ok.body());
        assertTrue(edge.alarming().isEmpty(), EdgeServer.describe(edge.alarming()));
    }
}
