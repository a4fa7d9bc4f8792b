package dev.braid.server.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.access.CountingUpstream;
import dev.braid.server.access.KeyServer;
import dev.braid.server.limits.SpendLedger;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A key whose monthly budget covers 40 % of a batch: the lines it covers run, the rest land in
 * the error file with the live call's 429 {@code budget_exceeded}, and the key's spend never passes
 * its budget. The provider is a real HTTP server billing every call.
 */
class BatchBudgetTest {

    static final int LINES = 10;

    @Test
    void aBudgetForFortyPercentRunsFourLinesAndFailsTheRestWithBudgetExceeded() throws Exception {
        String body = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":1000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"classify me\"}]}";
        // the reservation's worst case, as BudgetGate computes it for a chat call of this size
        double perLine = (((long) body.length() / 2 + 16) * 0.15 + 1000 * 0.60) / 1_000_000.0;
        double budget = perLine * LINES * 0.4 + perLine / 2;
        try (CountingUpstream upstream = new CountingUpstream(50, 1000, 100);
                KeyServer server = KeyServer.start(Map.of(
                        "braid.providers.openai.type", "openai",
                        "braid.providers.openai.base-url", upstream.baseUrl(),
                        "braid.providers.openai.api-key", "sk-fake",
                        "braid.batch.poll-interval", "50ms"))) {
            JsonNode key = server.createKey(String.format(java.util.Locale.ROOT,
                    "{\"name\":\"nightly\",\"role\":\"invoker\",\"usdPerMonth\":%.9f}", budget));
            String secret = key.path("key").asText();
            StringBuilder file = new StringBuilder();
            for (int i = 1; i <= LINES; i++) {
                file.append("{\"custom_id\":\"b").append(i)
                        .append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":").append(body).append("}\n");
            }
            String boundary = "b" + UUID.randomUUID().toString().replace("-", "");
            String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.jsonl\"\r\n\r\n"
                    + file + "\r\n--" + boundary + "--\r\n";
            HttpResponse<String> uploaded = server.send("POST", "/v1/files", secret,
                    "multipart/form-data; boundary=" + boundary, multipart);
            assertEquals(200, uploaded.statusCode(), uploaded.body());
            String fileId = KeyServer.json(uploaded).get("id").asText();
            HttpResponse<String> created = server.post("/v1/batches", secret, "{\"input_file_id\":\"" + fileId
                    + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
            assertEquals(200, created.statusCode(), created.body());
            String id = KeyServer.json(created).get("id").asText();

            JsonNode batch = KeyServer.json(server.get("/v1/batches/" + id, secret));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!"completed".equals(batch.get("status").asText())) {
                assertTrue(System.nanoTime() < deadline, batch.toString());
                Thread.sleep(100);
                batch = KeyServer.json(server.get("/v1/batches/" + id, secret));
            }
            int completed = batch.at("/request_counts/completed").asInt();
            int failed = batch.at("/request_counts/failed").asInt();
            assertEquals(LINES, completed + failed);
            assertEquals(4, completed, "the budget covers 4 of 10 lines: " + batch);
            assertEquals(completed, upstream.calls.get(), "a refused line never reaches the provider");
            Set<String> ids = new HashSet<>();
            String errors = server.get("/v1/files/" + batch.get("error_file_id").asText() + "/content", secret).body();
            for (String line : errors.split("\n")) {
                JsonNode l = KeyServer.JSON.readTree(line);
                ids.add(l.get("custom_id").asText());
                assertEquals(429, l.at("/response/status_code").asInt(), line);
                assertEquals("budget_exceeded", l.at("/response/body/error/code").asText(), line);
            }
            assertEquals(failed, ids.size());
            long spent = server.bean(SpendLedger.class).spentMicros("key:" + key.path("id").asText())
                    .toCompletableFuture().join();
            assertTrue(spent > 0 && spent <= SpendLedger.micros(budget),
                    "spent " + spent + " µUSD of " + SpendLedger.micros(budget));
        }
    }
}
