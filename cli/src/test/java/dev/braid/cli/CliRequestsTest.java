package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the new commands send and how they read answers the real server does not give on demand:
 * exact query strings and bodies, the environment's precedence, an old server's epoch timestamps and
 * empty provider object, a stream's mid-way error event, the future {@code pipeline_error} type.
 */
class CliRequestsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON = FakeBraid.JSON;

    FakeBraid server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeBraid();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    CliRun braid(String... args) {
        return CliRun.braid(Map.of("BRAID_URL", server.url(), "BRAID_KEY", "bk_test"), args);
    }

    @Test
    void braidUrlBeatsTheDeprecatedBraidServerAndTheFlagBeatsBoth() {
        server.answer("GET", "/api/pipelines", 200, JSON, "{\"pipelines\":[]}");
        Map<String, String> env = Map.of("BRAID_URL", server.url(), "BRAID_SERVER", "http://127.0.0.1:1");
        assertEquals(0, CliRun.braid(env, "pipelines").exit(), "BRAID_URL wins over BRAID_SERVER");
        assertEquals(0, CliRun.braid(Map.of("BRAID_URL", "http://127.0.0.1:1"), "--url", server.url(), "pipelines").exit());
        CliRun bad = CliRun.braid(Map.of("BRAID_URL", "localhost:8080"), "pipelines");
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.err().startsWith("braid: BRAID_URL: expected an http:// or https:// URL"), bad.err());
        assertEquals(2, server.requests().size());
    }

    @Test
    void theKeyIsBraidKeyThenBraidAdminKeyAndABlankOneCountsAsUnset() {
        server.answer("GET", "/api/pipelines", 200, JSON, "{\"pipelines\":[]}");
        CliRun.braid(Map.of("BRAID_URL", server.url(), "BRAID_KEY", "bk_k", "BRAID_ADMIN_KEY", "bk_a"), "pipelines");
        CliRun.braid(Map.of("BRAID_URL", server.url(), "BRAID_ADMIN_KEY", "bk_a"), "pipelines");
        CliRun.braid(Map.of("BRAID_URL", server.url(), "BRAID_KEY", " ", "BRAID_ADMIN_KEY", "bk_a"), "pipelines");
        assertEquals(List.of("Bearer bk_k", "Bearer bk_a", "Bearer bk_a"),
                server.requests().stream().map(FakeBraid.Recorded::authorization).toList());
    }

    @Test
    void usageSendsTheServersQueryParameters() {
        server.answer("GET", "/api/usage", 200, JSON, """
                {"from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z","groupBy":["pipeline","model"],"level":"step",
                 "rows":[{"pipeline":"echo","model":null,"requests":2,"errors":1,"promptTokens":10,"completionTokens":5,
                          "totalTokens":15,"costUsd":0.00012345678,"cached":0,"latencyP50Ms":12.25,"latencyP95Ms":null,
                          "latencyP99Ms":null,"firstTokenP50Ms":null}]}""");
        CliRun run = braid("usage", "--by", "pipeline,model", "--since", "2026-01-01", "--until", "2026-01-01",
                "--pipeline", "echo", "--model", "mock/echo", "--key-id", "key_1");

        assertEquals(0, run.exit(), run::toString);
        assertEquals("from=2026-01-01&to=2026-01-01&pipeline=echo&key=key_1&model=mock%2Fecho&groupBy=pipeline%2Cmodel",
                server.only().query());
        assertEquals(List.of(
                "PIPELINE  MODEL  REQUESTS  ERRORS  PROMPT  COMPLETION  TOKENS  COST_USD  P50_MS  P95_MS",
                "echo      -      2         1       10      5           15      0.000123  12.3    -"),
                run.out().lines().toList());
        assertEquals("braid: usage from 2026-01-01T00:00:00Z to 2026-01-02T00:00:00Z (step level)\n", run.err());
    }

    @Test
    void usageGroupsByPipelineUnlessToldOtherwise() {
        server.answer("GET", "/api/usage", 200, JSON,
                "{\"from\":\"a\",\"to\":\"b\",\"groupBy\":[\"pipeline\"],\"level\":\"request\",\"rows\":[]}");
        assertEquals(0, braid("usage").exit());
        assertEquals("groupBy=pipeline", server.only().query());
    }

    @Test
    void keysCreateSendsTheSpecAndPrintsOnlyTheSecretOnStdout() throws IOException {
        server.answer("POST", "/api/keys", 201, JSON, """
                {"id":"key_7","key":"bk_live_secret","name":"shop","role":"invoker","prefix":"bk_live_sec",
                 "createdAt":"2026-01-01T00:00:00Z"}""");
        CliRun run = braid("keys", "create", "--name", "shop", "--role", "invoker", "--pipelines", "a,b",
                "--models", "mock/x", "--requests-per-minute", "60", "--tokens-per-day", "1000", "--usd-per-month", "9.99");

        assertEquals(0, run.exit(), run::toString);
        assertEquals("bk_live_secret\n", run.out());
        assertEquals("braid: created key key_7 'shop' (invoker); its secret, on stdout, is shown this once\n", run.err());
        assertEquals(MAPPER.readTree("""
                {"name":"shop","role":"invoker","pipelines":["a","b"],"models":["mock/x"],"requestsPerMinute":60,
                 "tokensPerDay":1000,"usdPerMonth":9.99}"""), MAPPER.readTree(server.only().body()));
    }

    @Test
    void keysListReadsEpochSecondsAsAnOlderServerWritesThem() {
        server.answer("GET", "/api/keys", 200, JSON, """
                {"data":[{"id":"key_1","name":"admin","role":"admin","prefix":"bk_live_Cli","createdAt":1764547200.5}]}""");
        CliRun run = braid("keys", "list");

        assertEquals(0, run.exit(), run::toString);
        assertEquals("key_1  admin  admin  bk_live_Cli  -      -       2025-12-01T00:00:00.500Z  active",
                run.out().lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void keysRevokeByAnAmbiguousNameIsAUsageErrorNamingTheIds() {
        server.answer("DELETE", "/api/keys/ci", 404, JSON, FakeBraid.error("key_not_found", "no key with id 'ci'"));
        server.answer("GET", "/api/keys", 200, JSON, """
                {"data":[{"id":"key_1","name":"ci","role":"deployer"},{"id":"key_2","name":"ci","role":"invoker"},
                         {"id":"key_3","name":"ci","role":"invoker","revokedAt":"2026-01-01T00:00:00Z"}]}""");
        CliRun run = braid("keys", "revoke", "ci");

        assertEquals(2, run.exit(), run::toString);
        assertEquals("braid: 2 active keys are named 'ci': revoke one by id (key_1, key_2)\n", run.err());
    }

    @Test
    void keysAloneIsAUsageError() {
        CliRun run = braid("keys");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("create") && run.err().contains("revoke"), run.err());
    }

    @Test
    void providersReadsAnEmptyObjectAsNoProviders() {
        server.answer("GET", "/api/providers", 200, JSON, "{}");
        CliRun run = braid("providers");
        assertEquals(0, run.exit(), run::toString);
        assertEquals("NAME  TYPE  BASE URL  CREDENTIAL  SOURCE\n", run.out());
    }

    @Test
    void aPipelineErrorTypeIsThePipelinesFaultWhateverItsStatus() {
        server.answer("POST", "/v1/pipelines/echo/invoke", 500, JSON,
                "{\"error\":{\"type\":\"pipeline_error\",\"code\":\"expression_failed\",\"message\":\"$x is not a function\",\"param\":null}}");
        CliRun run = braid("invoke", "echo", "-i", "{}");
        assertEquals(8, run.exit(), run::toString);
        assertEquals("braid: 500 expression_failed: $x is not a function\n", run.err());
    }

    @Test
    void aRefusedEnrichTargetIsThePipelinesFaultNotAProviders() {
        // the server answers 422 pipeline_error since this round; the code alone also says so
        server.answer("POST", "/v1/pipelines/lookup/invoke", 422, JSON,
                "{\"error\":{\"type\":\"pipeline_error\",\"code\":\"enrich_refused\",\"message\":\"enrich target refused\",\"param\":null}}");
        CliRun run = braid("invoke", "lookup", "-i", "{}");
        assertEquals(8, run.exit(), run::toString);
        server.answer("POST", "/v1/pipelines/lookup/invoke", 502, JSON,
                "{\"error\":{\"type\":\"upstream_error\",\"code\":\"enrich_refused\",\"message\":\"enrich target refused\",\"param\":null}}");
        CliRun older = braid("invoke", "lookup", "-i", "{}");
        assertEquals(8, older.exit(), older::toString);
    }

    @Test
    void anErrorEventAfterTheStreamOpenedEndsItWithItsFaultsExitCode() {
        server.answer("POST", "/v1/pipelines/echo/invoke", 200, "text/event-stream", """
                event: delta
                data: {"step":"reply","text":"Hel"}

                event: delta
                data: {"step":"reply","text":"lo"}

                event: error
                data: {"error":{"type":"upstream_error","code":"provider_error","message":"mock answered 500","param":null}}

                """);
        CliRun run = braid("invoke", "echo", "--stream", "-i", "{}");

        assertEquals(4, run.exit(), run::toString);
        assertEquals("Hello\n", run.out());
        assertEquals("braid: stream failed: provider_error: mock answered 500\n", run.err());
        JsonNode sent = read(server.only().body());
        assertTrue(sent.path("stream").asBoolean(), sent.toString());
        assertEquals("text/event-stream", server.only().accept());
    }

    @Test
    void aStreamThatEndsWithoutDoneIsTheServersFault() {
        server.answer("POST", "/v1/pipelines/echo/invoke", 200, "text/event-stream",
                "event: delta\ndata: {\"step\":\"reply\",\"text\":\"Hel\"}\n\n");
        CliRun run = braid("invoke", "echo", "--stream", "-i", "{}");
        assertEquals(3, run.exit(), run::toString);
        assertEquals("Hel\n", run.out());
    }

    @Test
    void theHelpListsEveryExitCodeAndTheEnvironment() {
        CliRun help = braid("--help");
        assertEquals(0, help.exit());
        for (String line : List.of("6   auth:", "7   not found (404)", "8   invoke only: the pipeline itself failed",
                "5   never returned by the CLI", "BRAID_URL", "BRAID_SERVER     deprecated", "BRAID_ADMIN_KEY")) {
            assertTrue(help.out().contains(line), line + " in:\n" + help.out());
        }
        assertFalse(help.out().contains("bk_test"), "the key is not shown as a default");
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }
}
