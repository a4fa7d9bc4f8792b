package dev.braid.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller chooses (model names, pipeline names, URLs) must not grow {@code /prometheus}
 * without bound: not in the number of series, not in the length of a label. Issue 13, item 1: 20
 * chat calls with 800 KB model names made one scrape 66 MB, and concurrent scrapes ran the server
 * out of memory.
 */
class MetricsCardinalityTest {

    static EdgeServer edge;
    static String invoker;

    @BeforeAll
    static void start() throws Exception {
        edge = EdgeServer.start(null, Map.of());
        invoker = edge.key("{\"name\":\"metrics-invoker\",\"role\":\"invoker\"}");
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    HttpResponse<String> chat(String model) throws Exception {
        String body = "{\"model\":" + EdgeServer.JSON.writeValueAsString(model)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return edge.send("POST", "/v1/chat/completions", invoker, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    String scrape() throws Exception {
        HttpResponse<String> r = edge.send("GET", "/prometheus", null, null, null);
        assertEquals(200, r.statusCode());
        return r.body();
    }

    @Test
    void hugeModelNamesDoNotMakeHugeLabels() throws Exception {
        int before = scrape().length();
        for (int i = 0; i < 20; i++) {
            String model = "mock/" + (char) ('a' + i) + "m".repeat(800 * 1024);
            HttpResponse<String> r = chat(model);
            assertTrue(r.statusCode() < 500, r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
        }
        String after = scrape();
        System.out.printf("item 1: scrape %d bytes before, %d bytes after 20 chat calls with 800 KB model names%n",
                before, after.length());
        assertTrue(after.length() < 1_000_000, "scrape is " + after.length() + " bytes");
        // names the API accepts (up to 256 characters) still become labels of at most 64 + "…"
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = chat("mock/" + (char) ('a' + i) + "n".repeat(240));
            assertEquals(200, r.statusCode(), r.body());
        }
        String accepted = scrape();
        int longest = longestLabelValue(accepted);
        System.out.printf("item 1: after 20 more with 246-character names: scrape %d bytes, longest label value %d%n",
                accepted.length(), longest);
        assertTrue(longest <= 65, "longest label value is " + longest + " characters");
        assertTrue(accepted.contains("nnnn…\""), "a cut value ends in the marker");
    }

    @Test
    void aModelNameLongerThanAnyRealOneIs400() throws Exception {
        HttpResponse<String> r = chat("mock/" + "m".repeat(300));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"param\":\"model\""), r.body());
    }

    @Test
    void callerChosenNamesKeepTheSeriesBounded() throws Exception {
        for (int i = 0; i < 300; i++) {
            chat("mock/distinct-model-" + i);
            edge.send("POST", "/v1/pipelines/no-such-pipeline-" + i + "/invoke", invoker, "application/json",
                    "{\"input\":{}}".getBytes(StandardCharsets.UTF_8));
            edge.send("GET", "/no/such/route/" + i, invoker, null, null);
        }
        String scrape = scrape();
        Map<String, Integer> series = seriesPerMetric(scrape);
        System.out.println("metrics cardinality after 900 caller-chosen names: " + series);
        // the model tag keeps at most 50 names beyond the priced ones, then "other"
        assertTrue(series.getOrDefault("braid_tokens_total", 0) <= 2 * 60, series.toString());
        assertTrue(series.getOrDefault("braid_cost_usd_total", 0) <= 60, series.toString());
        // a circuit gauge per named target only; names past the cap get none (one gauge cannot speak for them all)
        assertTrue(series.getOrDefault("braid_circuit_state", 0) <= 60, series.toString());
        for (Map.Entry<String, Integer> e : series.entrySet()) {
            assertTrue(e.getValue() <= 1500, "metric " + e.getKey() + " has " + e.getValue() + " series");
        }
        assertTrue(!scrape.contains("no-such-pipeline-17\""), "unknown pipeline names are not labels");
        assertTrue(!scrape.contains("/no/such/route/17"), "unmatched URLs are not labels");
        assertTrue(scrape.length() < 2_000_000, "scrape is " + scrape.length() + " bytes");
    }

    private static final Pattern LABEL_VALUE = Pattern.compile("=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static int longestLabelValue(String scrape) {
        int longest = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LABEL_VALUE.matcher(line);
            while (m.find()) {
                longest = Math.max(longest, m.group(1).length());
            }
        }
        return longest;
    }

    static Map<String, Integer> seriesPerMetric(String scrape) {
        Map<String, Integer> count = new HashMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{');
            if (end < 0) {
                end = line.indexOf(' ');
            }
            String name = line.substring(0, end).replaceAll("_(bucket|count|sum|max)$", "");
            count.merge(name, 1, Integer::sum);
        }
        return count;
    }
}
