package dev.braid.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.braid.server.pipelines.TestDatabase;
import io.micronaut.http.HttpMethod;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route the server's router knows, called with an admin key and hostile input: NUL and other
 * control characters, lone surrogates, overlong and UTF-16 encodings, numbers no double holds,
 * nesting past the limit, huge strings, wrong types, in paths, queries and bodies. Fails on any 5xx
 * that is not an upstream's (502/503/504 with {@code upstream_error}) and on any ERROR or stack
 * trace in the log. On PostgreSQL, whose text type refuses what H2 takes (NUL).
 *
 * <p>Bounded: {@code -Dbraid.fuzz.seconds} (default 30, at most 60). Reproducible: the seed is
 * printed at the start and in every failure; {@code -Dbraid.fuzz.seed=N} replays it.
 */
class RouteFuzzPostgresTest {

    static final int SECONDS = Math.min(60, Integer.getInteger("braid.fuzz.seconds", 30));
    static final long SEED = Long.getLong("braid.fuzz.seed", System.nanoTime());

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]*)\\}");

    // path values: mostly hostile, some real so deeper code runs
    static final List<String> SEGMENTS = List.of(
            "chat-echo", "chat-echo", "fuzz", "1", "2", "0", "-1", "99999999999999999999", "1e400", "NaN",
            "mock", "mock%2Fx", "a%00b", "%00", "a%01b", "a%7Fb", "%0D%0AX-Injected:%201", "%C0%AF", "%ED%A0%80",
            "%FF%FE", "%E2%82", "%F0%9F%98%80", "..", "%2e%2e", "%2F", "a%20b", "%25", "%", "%zz",
            "x".repeat(300), "k_" + "9".repeat(40), "bk_live_" + "A".repeat(40), "'%20OR%201=1--", "%22%3E%3Cscript%3E");
    static final List<String> PARAMS = List.of(
            "from", "to", "pipeline", "key", "model", "groupBy", "actor", "type", "since", "until", "limit",
            "before", "message", "activate", "version", "stream", "q", "a%00b", "%ED%A0%80");

    /** String values for JSON bodies, already JSON-encoded. */
    static final List<String> STRINGS = List.of(
            "\"hi\"", "\"chat-echo\"", "\"mock/x\"", "\"viewer\"", "\"invoker\"", "\"admin\"", "\"a\\u0000b\"",
            "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"\\u0007\\u001b[31m\"", "\"\"",
            "\"" + "s".repeat(100_000) + "\"", "\"{{input}}\"", "\"${sys:user.home}\"", "\"http://127.0.0.1:5432/\"",
            "\"1e400\"", "\"-1\"");
    static final List<String> NUMBERS = List.of(
            "0", "-0", "1", "-1", "0.5", "1e400", "-1e400", "1e999999999", "1e-400", "2147483648", "9223372036854775808",
            "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324");
    static final List<String> FIELDS = List.of(
            "model", "messages", "input", "name", "role", "pipelines", "models", "requestsPerMinute", "tokensPerDay",
            "usdPerMonth", "type", "baseUrl", "apiKey", "temperature", "max_tokens", "stream", "message", "version",
            "content", "text", "tools", "n", "a\\u0000b", "\\ud800");

    static TestDatabase db;
    static EdgeServer edge;

    @BeforeAll
    static void start() {
        db = TestDatabase.postgres();
        edge = EdgeServer.start(db, Map.of("braid.pipelines.dir", "src/test/pipelines"));
    }

    @AfterAll
    static void stop() {
        try {
            edge.close();
        } finally {
            db.close();
        }
    }

    /** Requests the JDK client will not send: broken framing, smuggling shapes, odd request lines. */
    @Test
    void malformedRequestsAreRefusedNeverA5xx() throws Exception {
        String auth = "Authorization: Bearer " + EdgeServer.ADMIN + "\r\n";
        String chat = "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> requests = List.of(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + chat + "\r\n0\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
                "GET http://evil.example/api/keys HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "GET /api/keys HTTP/1.1\nHost: x\n" + auth.replace("\r", "") + "\n",
                "GET /api/pipelines/\u0000x HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "GET /api/../api/keys HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "GET * HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "BREW /api/keys HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n",
                "GET /api/keys HTTP/9.9\r\nHost: x\r\n" + auth + "\r\n",
                "GET /api/keys HTTP/1.1\r\nHost: x\r\n" + auth + "X-Request-Id: a\u0001b\r\nX-Bad\u0000Name: 1\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json; charset=\"\r\nContent-Length: 2\r\n\r\n{}",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: application/json\r\nExpect: 999-nonsense\r\nContent-Length: 2\r\n\r\n{}");
        edge.clearLogs();
        List<String> failures = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        for (String request : requests) {
            String answer = edge.raw(request.getBytes(StandardCharsets.ISO_8859_1), 1000);
            String status = answer.lines().findFirst().orElse("(closed)");
            statuses.add(status.length() > 12 ? status.substring(9, 12) : status);
            if (status.matches("HTTP/1\\.[01] 5\\d\\d.*")) {
                failures.add(abbreviate(request) + " -> " + abbreviate(answer));
            }
        }
        System.out.println("malformed requests answered " + statuses);
        List<ILoggingEvent> alarming = edge.alarming();
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(alarming.isEmpty(), EdgeServer.describe(alarming));
    }

    @Test
    void noRouteAnswers5xxOrLogsAStackTrace() throws Exception {
        System.out.printf("route fuzz: seed %d, %d s (-Dbraid.fuzz.seed=%d replays it)%n", SEED, SECONDS, SEED);
        Random random = new Random(SEED);
        {
            List<UriRouteInfo<?, ?>> routes = edge.bean(Router.class).uriRoutes()
                    .filter(r -> r.getHttpMethod() != HttpMethod.TRACE)
                    // the test-only controller that fails on purpose (ErrorShapeTest, LogsTest)
                    .filter(r -> !r.getUriMatchTemplate().toString().startsWith("/test/"))
                    .sorted((a, b) -> (a.getHttpMethodName() + a.getUriMatchTemplate()).compareTo(
                            b.getHttpMethodName() + b.getUriMatchTemplate()))
                    .toList();
            assertTrue(routes.size() >= 20, "the router lists the routes: " + routes.size());
            edge.clearLogs();
            List<String> failures = new ArrayList<>();
            Map<String, Integer> statuses = new TreeMap<>();
            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            int sent = 0;
            int alarms = 0;
            while (System.nanoTime() < deadline && failures.size() < 20) {
                UriRouteInfo<?, ?> route = routes.get(random.nextInt(routes.size()));
                String method = route.getHttpMethodName();
                String path = path(route.getUriMatchTemplate().toString(), random);
                byte[] body = null;
                String contentType = null;
                if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH") || random.nextInt(10) == 0) {
                    boolean yaml = path.startsWith("/api/pipelines") && random.nextBoolean();
                    body = yaml ? yamlBody(random) : jsonBody(random);
                    contentType = contentType(random, yaml);
                }
                String what = method + " " + abbreviate(path) + (body == null ? "" : " [" + contentType + "] " + abbreviate(
                        new String(body, StandardCharsets.ISO_8859_1)));
                HttpResponse<String> r;
                try {
                    r = edge.send(method, path, EdgeServer.ADMIN, contentType, body);
                } catch (IllegalArgumentException e) {
                    continue; // the JDK client refuses this URI itself: nothing reached the server
                } catch (java.io.IOException e) {
                    failures.add(what + " -> connection failed: " + e);
                    continue;
                }
                sent++;
                statuses.merge(r.statusCode() / 100 + "xx", 1, Integer::sum);
                if (r.statusCode() >= 500 && !(r.statusCode() >= 502 && r.statusCode() <= 504
                        && r.body().contains("\"upstream_error\""))) {
                    failures.add(what + " -> " + r.statusCode() + " " + abbreviate(r.body()));
                }
                if (r.statusCode() >= 400 && !r.body().contains("\"error\"") && !method.equals("HEAD")) {
                    failures.add(what + " -> " + r.statusCode() + " not in the error shape: " + abbreviate(r.body()));
                }
                List<ILoggingEvent> alarming = edge.alarming();
                if (alarming.size() > alarms) {
                    failures.add(what + " -> logged " + EdgeServer.describe(alarming.subList(alarms, alarming.size())));
                    alarms = alarming.size();
                }
            }
            System.out.printf("route fuzz: %d requests over %d routes, %s%n", sent, routes.size(), statuses);
            assertTrue(failures.isEmpty(), "seed " + SEED + " (-Dbraid.fuzz.seed=" + SEED + "), " + failures.size()
                    + " failures:\n" + String.join("\n", failures));
            assertFalse(sent < 50, "seed " + SEED + ": only " + sent + " requests");
            // and what callers chose did not grow the metrics beyond their bounds
            String scrape = edge.send("GET", "/prometheus", null, null, null).body();
            int longest = MetricsCardinalityTest.longestLabelValue(scrape);
            System.out.printf("route fuzz: scrape %d bytes, longest label value %d%n", scrape.length(), longest);
            assertTrue(longest <= 65, "seed " + SEED + ": a label value of " + longest + " characters");
            assertTrue(scrape.length() < 2_000_000, "seed " + SEED + ": scrape of " + scrape.length() + " bytes");
        }
    }

    static String path(String template, Random random) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        String query = "";
        while (m.find()) {
            String variable = m.group(1);
            if (variable.startsWith("?") || variable.startsWith("&")) {
                m.appendReplacement(out, "");
                continue;
            }
            String value = pick(SEGMENTS, random);
            if (variable.startsWith("/")) {
                value = "/" + value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        int params = random.nextInt(4);
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < params; i++) {
            q.append(i == 0 ? "?" : "&").append(pick(PARAMS, random)).append('=').append(pick(SEGMENTS, random));
        }
        query = q.toString();
        String p = out.toString();
        return (p.isEmpty() ? "/" : p) + query;
    }

    static byte[] jsonBody(Random random) {
        String json = value(random, 0);
        return switch (random.nextInt(12)) {
            case 0 -> utf16(json, random);
            case 1 -> withBadBytes(json, random);
            case 2 -> ("[".repeat(70) + "]".repeat(70)).getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"input\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8);
            case 4 -> new byte[0];
            case 5 -> json.substring(0, random.nextInt(json.length() + 1)).getBytes(StandardCharsets.UTF_8);
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
    }

    static String value(Random random, int depth) {
        int choice = depth > 3 ? random.nextInt(3) : random.nextInt(6);
        return switch (choice) {
            case 0 -> pick(STRINGS, random);
            case 1 -> pick(NUMBERS, random);
            case 2 -> pick(List.of("true", "false", "null"), random);
            case 3 -> {
                StringBuilder a = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.append(value(random, depth + 1)).append(i > 1 ? "," : "");
                }
                yield a.append(']').toString();
            }
            default -> {
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    fields.put(pick(FIELDS, random), value(random, depth + 1));
                }
                if (depth == 0 && random.nextBoolean()) {
                    fields.put("messages", "[{\"role\":\"user\",\"content\":" + pick(STRINGS, random) + "}]");
                    fields.putIfAbsent("model", pick(List.of("\"mock/x\"", "\"pipeline/chat-echo\"", "\"mock/x\\u0000\""), random));
                }
                StringBuilder o = new StringBuilder("{");
                fields.forEach((k, v) -> o.append(o.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
                yield o.append('}').toString();
            }
        };
    }

    static byte[] utf16(String json, Random random) {
        return json.getBytes(random.nextBoolean() ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16);
    }

    static byte[] withBadBytes(String json, Random random) {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        int at = random.nextInt(utf8.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(utf8, 0, at);
        out.writeBytes(pick(List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {0}, new byte[] {(byte) 0xE2, (byte) 0x82}), random));
        out.write(utf8, at, utf8.length - at);
        return out.toByteArray();
    }

    static byte[] yamlBody(Random random) {
        String name = pick(List.of("fuzz", "chat-echo", "a\\0b", "Fuzz!", "x".repeat(80)), random);
        String step = pick(List.of(
                "transform: { jsonata: \"input\" }",
                "transform: { jsonata: " + pick(STRINGS, random) + " }",
                "model: { task: chat, targets: [{ provider: mock, model: " + pick(STRINGS, random) + " }] }",
                "guard: { maxInputTokens: " + pick(NUMBERS, random) + " }",
                "enrich: { url: \"http://127.0.0.1:5432/\" }",
                "camel: { steps: [ { to: \"file:/tmp\" } ] }"), random);
        String yaml = "apiVersion: braid/v1\nkind: Pipeline\nname: \"" + name + "\"\ndescription: \""
                + pick(List.of("plain", "nul \\0 here", "bell \\a", "\\ud800 lone", "emoji 😀", "\\x00"), random)
                + "\"\nsteps:\n  - id: s\n    " + step + "\n";
        if (random.nextInt(4) == 0) {
            return withBadBytes(yaml, random);
        }
        return yaml.getBytes(StandardCharsets.UTF_8);
    }

    static String contentType(Random random, boolean yaml) {
        if (yaml) {
            return pick(List.of("application/yaml", "text/yaml", "application/json"), random);
        }
        return pick(List.of("application/json", "application/json", "application/json", "application/json; charset=utf-16",
                "text/plain", "application/x-www-form-urlencoded", "application/yaml"), random);
    }

    static <T> T pick(List<T> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    static String abbreviate(String s) {
        String flat = s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…(" + flat.length() + ")";
    }
}
