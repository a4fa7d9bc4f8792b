package dev.braid.server.limits;

import dev.braid.server.access.CountingUpstream;
import dev.braid.server.access.KeyServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.camel.ModelComponent;
import dev.braid.engine.runtime.PipelineRuntime;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Budgets are reserved before the provider call: concurrency cannot overspend them. */
class BudgetTest {

    private static final String YAML = """
            apiVersion: braid/v1
            kind: Pipeline
            name: budget-p
            input:
              properties:
                text: { type: string }
            steps:
              - id: ask
                model:
                  task: chat
                  targets: [{ provider: openai, model: gpt-4o-mini }]
                  prompt: { user: "{{input.text}}" }
                  maxTokens: 1000
            """;
    private static final String BODY = "{\"input\":{\"text\":\"how much is this?\"}}";

    @Test
    void hundredConcurrentCallsAtABudgetForTenReachTheUpstreamAtMostTenTimes() throws Exception {
        // the upstream bills (about) the reserved worst case: 50 prompt + 1000 completion tokens
        try (CountingUpstream upstream = new CountingUpstream(50, 1000, 300);
                KeyServer probe = KeyServer.start(Map.of())) {
            // the per-call reservation, computed as the server does, sizes a budget for 10.5 calls
            assertEquals(201, probe.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN, "application/yaml", YAML)
                    .statusCode());
            PipelineRuntime runtime = probe.bean(PipelineRuntime.class);
            double perCall = CostEstimate.worstCaseUsd(runtime.activeDeployed("budget-p").orElseThrow().spec(),
                    runtime.camelContext().getComponent(ModelComponent.SCHEME, ModelComponent.class).getPrices(),
                    BODY.getBytes(StandardCharsets.UTF_8).length);
            assertTrue(perCall > 0, "gpt-4o-mini is priced");
            double budget = perCall * 10.5;
            probe.close();

            try (KeyServer server = KeyServer.start(Map.of(
                    "braid.providers.openai.type", "openai",
                    "braid.providers.openai.base-url", upstream.baseUrl(),
                    "braid.providers.openai.api-key", "sk-fake",
                    "braid.budgets.pipelines.budget-p", String.format(java.util.Locale.ROOT, "%.9f", budget)))) {
                assertEquals(201, server.send("POST", "/api/pipelines?activate=true", KeyServer.ADMIN,
                        "application/yaml", YAML).statusCode());
                String invoker = server.secret("invoker");
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    calls.add(server.client.sendAsync(HttpRequest.newBuilder(server.base.resolve("/v1/pipelines/budget-p/invoke"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + invoker)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                int ok = 0;
                int refused = 0;
                List<String> other = new ArrayList<>();
                for (var call : calls) {
                    HttpResponse<String> r = call.join();
                    if (r.statusCode() == 200) {
                        ok++;
                    } else if (r.statusCode() == 429 && r.body().contains("budget_exceeded")) {
                        assertTrue(r.headers().firstValue("Retry-After").isPresent());
                        refused++;
                    } else {
                        other.add(r.statusCode() + " " + r.body());
                    }
                }
                assertTrue(other.isEmpty(), other.toString());
                long spent = server.bean(SpendLedger.class).spentMicros("pipeline:budget-p").toCompletableFuture().join();
                System.out.printf("budget test: %d upstream calls, %d answered, %d refused; spend %d µUSD of budget %d µUSD%n",
                        upstream.calls.get(), ok, refused, spent, SpendLedger.micros(budget));
                assertTrue(upstream.calls.get() <= 10, "upstream calls: " + upstream.calls.get());
                assertEquals(10, ok, "a budget for 10.5 calls admits 10");
                assertEquals(90, refused);
                assertTrue(spent <= SpendLedger.micros(budget), "spent " + spent + " of " + SpendLedger.micros(budget));
                assertTrue(spent > 0);

                // a key's own monthly budget, too small for one call: refused before the upstream
                int before = upstream.calls.get();
                String poor = server.createKey("{\"name\":\"poor\",\"role\":\"invoker\",\"usdPerMonth\":0.000001}")
                        .path("key").asText();
                HttpResponse<String> r = server.post("/v1/pipelines/budget-p/invoke", poor, BODY);
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(r.body().contains("budget_exceeded"), r.body());
                assertEquals(before, upstream.calls.get());

                // chat completions on a provider model reserve under the key's budget too: 20 at once, room for 3
                String chat = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":1000,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"how much?\"}]}";
                double perChat = (((long) chat.length() / 2 + 16) * 0.15 + 1000 * 0.60) / 1_000_000.0;
                String chatKey = server.createKey(String.format(java.util.Locale.ROOT,
                        "{\"name\":\"chatty\",\"role\":\"invoker\",\"usdPerMonth\":%.9f}", perChat * 3.5))
                        .path("key").asText();
                int chatBefore = upstream.calls.get();
                List<CompletableFuture<HttpResponse<String>>> chats = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    chats.add(server.client.sendAsync(HttpRequest.newBuilder(server.base.resolve("/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + chatKey)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(chat)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                int chatOk = 0;
                for (var call : chats) {
                    HttpResponse<String> c = call.join();
                    if (c.statusCode() == 200) {
                        chatOk++;
                    } else {
                        assertEquals(429, c.statusCode(), c.body());
                        assertTrue(c.body().contains("budget_exceeded"), c.body());
                    }
                }
                System.out.printf("chat budget: %d upstream calls, %d answered of 20%n", upstream.calls.get() - chatBefore, chatOk);
                assertEquals(3, chatOk);
                assertTrue(upstream.calls.get() - chatBefore <= 3);
                // every refusal, by the access filter or by the chat endpoint's own reservation, is counted
                String metrics = server.get("/prometheus", null).body();
                java.util.regex.Matcher m = java.util.regex.Pattern
                        .compile("braid_limit_rejections_total\\{code=\"budget_exceeded\"} ([0-9.]+)").matcher(metrics);
                assertTrue(m.find(), metrics);
                assertTrue(Double.parseDouble(m.group(1)) >= 17, m.group());
            }
        }
    }
}
