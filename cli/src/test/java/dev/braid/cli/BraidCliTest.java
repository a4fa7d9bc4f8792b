package dev.braid.cli;

import static dev.braid.cli.FakeBraid.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command against a real local HTTP server that answers in the documented shapes. */
class BraidCliTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String VALID = """
            apiVersion: braid/v1
            kind: Pipeline
            name: echo
            steps:
              - id: echo
                transform: { jsonata: "input" }
            """;

    static final String TYPO = """
            apiVersion: braid/v1
            kind: Pipeline
            name: echo
            steps:
              - id: echo
                transfrom: { jsonata: "input" }
            """;

    static final String INVALID_422 = """
            {"error":{"type":"invalid_request_error","code":"pipeline_invalid","message":"the pipeline is invalid",
             "param":null,"errors":[
              {"line":6,"column":5,"path":"steps[0].transfrom","message":"unknown key 'transfrom' (did you mean 'transform'?)"},
              {"line":5,"column":5,"path":"steps[0]","message":"a step needs exactly one kind"}]}}
            """;

    FakeBraid server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = new FakeBraid();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    CliRun braid(String... args) {
        return CliRun.braid(Map.of("BRAID_SERVER", server.url()), args);
    }

    Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static JsonNode json(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    @Nested
    class Validate {

        @BeforeEach
        void answers() {
            server.answer("POST", "/api/pipelines/validate", request -> request.body().contains("transfrom")
                    ? new FakeBraid.Canned(422, JSON, INVALID_422)
                    : new FakeBraid.Canned(200, JSON, "{\"valid\":true,\"camel\":\"- route:\\n    id: braid.echo.v0\\n\"}"));
        }

        @Test
        void sendsTheFileAsYamlAndSaysValid() throws IOException {
            Path good = file("echo.yaml", VALID);
            CliRun run = braid("validate", good.toString());

            assertEquals(0, run.exit(), run::toString);
            assertEquals(good + ": valid\n", run.out());
            FakeBraid.Recorded sent = server.only();
            assertEquals("POST", sent.method());
            assertEquals("/api/pipelines/validate", sent.path());
            assertNull(sent.query());
            assertEquals(VALID, sent.body());
            assertTrue(sent.contentType().startsWith("application/yaml"), sent.contentType());
            assertNull(sent.authorization(), "no key given, none sent");
        }

        @Test
        void warningsOfAValidFileArePrintedLikeACompilersAndDoNotFailIt() throws IOException {
            server.answer("POST", "/api/pipelines/validate", 200, JSON,
                    "{\"valid\":true,\"camel\":\"\",\"warnings\":[{\"line\":7,\"column\":5,"
                            + "\"path\":\"steps[0].model.targets[0].provider\",\"message\":\"step 'ask' names provider "
                            + "'opneai', which is not configured\"}]}");
            Path typo = file("typo.yaml", VALID);
            CliRun run = braid("validate", typo.toString());

            assertEquals(0, run.exit(), run::toString);
            assertEquals(typo + ": valid\n", run.out());
            assertEquals(typo + ":7:5: warning: steps[0].model.targets[0].provider: step 'ask' names provider "
                    + "'opneai', which is not configured\n", run.err());
        }

        @Test
        void printsEachProblemLikeACompilerAndExitsOne() throws IOException {
            Path good = file("good.yaml", VALID);
            Path bad = file("bad.yaml", TYPO);
            CliRun run = braid("validate", good.toString(), bad.toString());

            assertEquals(1, run.exit(), run::toString);
            assertEquals(good + ": valid\n", run.out());
            assertEquals(
                    List.of(
                            bad + ":6:5: steps[0].transfrom: unknown key 'transfrom' (did you mean 'transform'?)",
                            bad + ":5:5: steps[0]: a step needs exactly one kind"),
                    run.err().lines().toList());
            assertEquals(2, server.requests().size(), "every file is checked, even after a bad one");
        }

        @Test
        void anUnreadableFileIsAUsageErrorButTheOthersAreStillChecked() throws IOException {
            Path good = file("good.yaml", VALID);
            CliRun run = braid("validate", dir.resolve("missing.yaml").toString(), good.toString());

            assertEquals(2, run.exit(), run::toString);
            assertTrue(run.err().contains("missing.yaml: no such file"), run.err());
            assertEquals(good + ": valid\n", run.out());
            assertEquals(1, server.requests().size());
        }

        @Test
        void camelPrintsTheGeneratedRoutes() throws IOException {
            CliRun run = braid("validate", "--camel", file("echo.yaml", VALID).toString());

            assertEquals(0, run.exit(), run::toString);
            assertTrue(run.out().contains("- route:\n    id: braid.echo.v0\n"), run.out());
        }

        @Test
        void jsonGivesOneReportForAllFiles() throws IOException {
            Path good = file("good.yaml", VALID);
            Path bad = file("bad.yaml", TYPO);
            CliRun run = braid("--json", "validate", good.toString(), bad.toString());

            assertEquals(1, run.exit(), run::toString);
            JsonNode report = json(run.out());
            assertEquals(2, report.size());
            assertTrue(report.get(0).get("valid").asBoolean());
            assertFalse(report.get(1).get("valid").asBoolean());
            assertEquals(422, report.get(1).get("status").asInt());
            assertEquals(6, report.get(1).at("/response/error/errors/0/line").asInt());
            assertEquals("", run.err(), "machine output only");
        }

        @Test
        void aServerFailureStopsWithExitThree() throws IOException {
            server.answer("POST", "/api/pipelines/validate", 503, "text/html", "<h1>Service Unavailable</h1>");
            CliRun run = braid("validate", file("a.yaml", VALID).toString(), file("b.yaml", VALID).toString());

            assertEquals(3, run.exit(), run::toString);
            assertTrue(run.err().contains("503"), run.err());
            assertEquals(1, server.requests().size());
        }
    }

    @Nested
    class Deploy {

        @Test
        void activateAndMessageTravelInTheQuery() throws IOException {
            server.answer("POST", "/api/pipelines", 201, JSON, """
                    {"name":"echo","version":3,"sha256":"1a2b3c4d5e6f7a8b9c0d","active":true,"activeVersion":3}""");
            Path yaml = file("echo.yaml", VALID);
            CliRun run = braid("deploy", yaml.toString(), "--activate", "--message", "fix the typo & more");

            assertEquals(0, run.exit(), run::toString);
            FakeBraid.Recorded sent = server.only();
            assertEquals("POST", sent.method());
            assertEquals("/api/pipelines", sent.path());
            assertEquals("message=fix%20the%20typo%20%26%20more&activate=true", sent.query());
            assertEquals(VALID, sent.body());
            assertTrue(sent.contentType().startsWith("application/yaml"), sent.contentType());
            assertEquals("echo v3 deployed, sha256 1a2b3c4d5e6f, active\n", run.out());
        }

        @Test
        void withoutActivateNothingButTheYamlIsSentAndTheOutputSaysWhatIsActive() throws IOException {
            server.answer("POST", "/api/pipelines", 201, JSON, """
                    {"name":"echo","version":3,"sha256":"1a2b3c4d5e6f7a8b9c0d","active":false,"activeVersion":2}""");
            CliRun run = braid("deploy", file("echo.yaml", VALID).toString());

            assertEquals(0, run.exit(), run::toString);
            assertNull(server.only().query());
            assertEquals(
                    "echo v3 deployed, sha256 1a2b3c4d5e6f, not active (active: v2; activate with: braid activate echo 3)\n",
                    run.out());
        }

        @Test
        void anIdenticalDeploySaysUnchanged() throws IOException {
            server.answer("POST", "/api/pipelines", 200, JSON, """
                    {"name":"echo","version":2,"sha256":"ffeeddccbbaa99887766","active":true,"activeVersion":2}""");
            CliRun run = braid("deploy", file("echo.yaml", VALID).toString());

            assertEquals(0, run.exit(), run::toString);
            assertEquals("echo v2 unchanged (same YAML as the newest version), sha256 ffeeddccbbaa, active\n", run.out());
        }

        @Test
        void anInvalidPipelineIsPrintedWithLineAndColumnAndExitsOne() throws IOException {
            server.answer("POST", "/api/pipelines", 422, JSON, INVALID_422);
            Path bad = file("bad.yaml", TYPO);
            CliRun run = braid("deploy", bad.toString(), "--activate");

            assertEquals(1, run.exit(), run::toString);
            assertEquals("", run.out());
            assertEquals(
                    bad + ":6:5: steps[0].transfrom: unknown key 'transfrom' (did you mean 'transform'?)",
                    run.err().lines().findFirst().orElseThrow());
        }

        @Test
        void jsonPrintsTheServersAnswer() throws IOException {
            String answer = "{\"name\":\"echo\",\"version\":3,\"sha256\":\"abc\",\"active\":true,\"activeVersion\":3}";
            server.answer("POST", "/api/pipelines", 201, JSON, answer);
            CliRun run = braid("deploy", "--json", file("echo.yaml", VALID).toString());

            assertEquals(0, run.exit(), run::toString);
            assertEquals(json(answer), json(run.out()));
        }

        @Test
        void aMissingFileIsAUsageErrorAndSendsNothing() {
            CliRun run = braid("deploy", dir.resolve("nope.yaml").toString());

            assertEquals(2, run.exit(), run::toString);
            assertTrue(run.err().contains("nope.yaml: no such file"), run.err());
            assertTrue(server.requests().isEmpty());
        }
    }

    @Nested
    class Versions {

        @Test
        void printsATableWithTheActiveVersionMarked() {
            server.answer("GET", "/api/pipelines/echo/versions", 200, JSON, """
                    {"versions":[
                      {"version":1,"sha256":"aaaaaaaaaaaaaaaa1111","author":"admin","message":"first","createdAt":"2026-01-01T10:00:00Z","active":false},
                      {"version":2,"sha256":"bbbbbbbbbbbbbbbb2222","author":"ci-bot","message":null,"createdAt":"2026-01-02T10:00:00Z","active":true}]}""");
            CliRun run = braid("versions", "echo");

            assertEquals(0, run.exit(), run::toString);
            assertEquals(
                    List.of(
                            "VERSION  ACTIVE  CREATED               AUTHOR  SHA256        MESSAGE",
                            "1                2026-01-01T10:00:00Z  admin   aaaaaaaaaaaa  first",
                            "2        *       2026-01-02T10:00:00Z  ci-bot  bbbbbbbbbbbb"),
                    run.out().lines().toList());
            FakeBraid.Recorded sent = server.only();
            assertEquals("GET", sent.method());
            assertEquals("application/json", sent.accept());
        }

        @Test
        void activePrintsOnlyTheActiveNumberForScripts() {
            server.answer("GET", "/api/pipelines/echo/versions", 200, JSON, """
                    {"versions":[{"version":1,"active":false},{"version":2,"active":true},{"version":3,"active":false}]}""");
            CliRun run = braid("versions", "echo", "--active");

            assertEquals(0, run.exit(), run::toString);
            assertEquals("2\n", run.out());
            server.answer("GET", "/api/pipelines/echo/versions", 200, JSON, "{\"versions\":[]}");
            assertEquals(1, braid("versions", "echo", "--active").exit());
        }

        @Test
        void anUnknownPipelineIsRefusedWithExitSevenNotFound() {
            server.answer("GET", "/api/pipelines/nope/versions", 404, JSON,
                    FakeBraid.error("pipeline_not_found", "no pipeline named 'nope'"));
            CliRun run = braid("versions", "nope");

            assertEquals(7, run.exit(), run::toString);
            assertEquals("braid: 404 pipeline_not_found: no pipeline named 'nope'\n", run.err());
            assertEquals("", run.out());
        }

        @Test
        void jsonPutsTheErrorBodyOnStdoutToo() throws IOException {
            String body = FakeBraid.error("pipeline_not_found", "no pipeline named 'nope'");
            server.answer("GET", "/api/pipelines/nope/versions", 404, JSON, body);
            CliRun run = braid("versions", "nope", "--json");

            assertEquals(7, run.exit(), run::toString);
            assertEquals(json(body), json(run.out()));
        }
    }

    @Nested
    class Diff {

        @Test
        void printsTheDiffAsItComes() {
            String diff = "--- echo v1\n+++ echo v2\n@@ -5,2 +5,2 @@\n   - id: echo\n-    transform: { jsonata: \"input\" }\n+    transform: { jsonata: \"input.text\" }\n";
            server.answer("GET", "/api/pipelines/echo/diff", 200, "text/plain", diff);
            CliRun run = braid("diff", "echo", "1", "2");

            assertEquals(0, run.exit(), run::toString);
            assertEquals(diff, run.out());
            FakeBraid.Recorded sent = server.only();
            assertEquals("from=1&to=2", sent.query());
            assertEquals("text/plain", sent.accept());
        }

        @Test
        void aVersionThatIsNotANumberIsAUsageErrorAndSendsNothing() {
            CliRun run = braid("diff", "echo", "one", "2");

            assertEquals(2, run.exit(), run::toString);
            assertTrue(server.requests().isEmpty());
        }

        @Test
        void anUnknownVersionIsNotFound() {
            server.answer("GET", "/api/pipelines/echo/diff", 404, JSON,
                    FakeBraid.error("version_not_found", "echo has no version 9"));
            CliRun run = braid("diff", "echo", "1", "9");

            assertEquals(7, run.exit(), run::toString);
            assertTrue(run.err().contains("version_not_found"), run.err());
        }
    }

    @Nested
    class ActivateAndRollback {

        @Test
        void activatePostsToTheVersion() {
            server.answer("POST", "/api/pipelines/echo/versions/2/activate", 200, JSON,
                    "{\"name\":\"echo\",\"activeVersion\":2,\"fromVersion\":3}");
            CliRun run = braid("activate", "echo", "2");

            assertEquals(0, run.exit(), run::toString);
            assertEquals("echo v2 is active (was v3)\n", run.out());
            assertEquals("POST", server.only().method());
        }

        @Test
        void activatingTheActiveVersionSaysSo() {
            server.answer("POST", "/api/pipelines/echo/versions/2/activate", 200, JSON,
                    "{\"name\":\"echo\",\"activeVersion\":2,\"fromVersion\":null,\"changed\":false}");
            CliRun run = braid("activate", "echo", "2");

            assertEquals(0, run.exit(), run::toString);
            assertEquals("echo v2 is active (it already was)\n", run.out());
        }

        @Test
        void rollbackWithoutToSendsAnEmptyObject() {
            server.answer("POST", "/api/pipelines/echo/rollback", 200, JSON,
                    "{\"name\":\"echo\",\"activeVersion\":1,\"fromVersion\":2}");
            CliRun run = braid("rollback", "echo");

            assertEquals(0, run.exit(), run::toString);
            assertEquals("{}", server.only().body());
            assertTrue(server.only().contentType().startsWith("application/json"));
            assertEquals("echo rolled back: v1 is active (was v2)\n", run.out());
        }

        @Test
        void rollbackToSendsTheVersion() throws IOException {
            server.answer("POST", "/api/pipelines/echo/rollback", 200, JSON, "{\"name\":\"echo\",\"activeVersion\":1}");
            CliRun run = braid("rollback", "echo", "--to", "1");

            assertEquals(0, run.exit(), run::toString);
            assertEquals(json("{\"to\":1}"), json(server.only().body()));
        }

        @Test
        void nothingToRollBackToIsAConflict() {
            server.answer("POST", "/api/pipelines/echo/rollback", 409, JSON,
                    FakeBraid.error("nothing_to_roll_back", "echo has no earlier activation"));
            CliRun run = braid("rollback", "echo");

            assertEquals(1, run.exit(), run::toString);
            assertEquals("braid: 409 nothing_to_roll_back: echo has no earlier activation\n", run.err());
        }
    }

    @Nested
    class Invoke {

        static final String ENVELOPE = """
                {"id":"req_1","pipeline":"echo","version":2,"output":{"text":"hi"},
                 "steps":[{"id":"echo","status":"ok","latencyMs":0}],
                 "usage":{"promptTokens":0,"completionTokens":0,"totalTokens":0,"costUsd":0.0},"latencyMs":3}""";

        @Test
        void sendsInputAndVersionAndPrintsTheEnvelopePretty() throws IOException {
            server.answer("POST", "/v1/pipelines/echo/invoke", 200, JSON, ENVELOPE);
            CliRun run = braid("invoke", "echo", "--input", "{\"text\":\"hi\"}", "--version", "2");

            assertEquals(0, run.exit(), run::toString);
            FakeBraid.Recorded sent = server.only();
            assertEquals(json("{\"input\":{\"text\":\"hi\"},\"version\":2}"), json(sent.body()));
            assertTrue(sent.contentType().startsWith("application/json"));
            assertEquals(json(ENVELOPE), json(run.out()));
            assertTrue(run.out().contains("\n  \"output\" : {\n    \"text\" : \"hi\"\n  },"), run.out());
        }

        @Test
        void jsonIsOneLine() throws IOException {
            server.answer("POST", "/v1/pipelines/echo/invoke", 200, JSON, ENVELOPE);
            CliRun run = braid("--json", "invoke", "echo", "-i", "{\"text\":\"hi\"}");

            assertEquals(0, run.exit(), run::toString);
            assertEquals(1, run.out().lines().count());
            assertEquals(json(ENVELOPE), json(run.out()));
            assertEquals(json("{\"input\":{\"text\":\"hi\"}}"), json(server.only().body()), "no version unless asked");
        }

        @Test
        void inputMayComeFromAFile() throws IOException {
            server.answer("POST", "/v1/pipelines/echo/invoke", 200, JSON, ENVELOPE);
            Path input = file("smoke.json", "{\"text\": \"from a file\"}");
            CliRun run = braid("invoke", "echo", "--input", "@" + input);

            assertEquals(0, run.exit(), run::toString);
            assertEquals(json("{\"input\":{\"text\":\"from a file\"}}"), json(server.only().body()));
        }

        @Test
        void inputThatIsNotAJsonObjectIsAUsageErrorAndSendsNothing() {
            assertEquals(2, braid("invoke", "echo", "--input", "{not json").exit());
            assertEquals(2, braid("invoke", "echo", "--input", "[1,2]").exit());
            assertEquals(2, braid("invoke", "echo").exit(), "--input is required");
            assertTrue(server.requests().isEmpty());
        }

        @Test
        void braidsOwn502MeansThePipelineFailed() {
            server.answer("POST", "/v1/pipelines/echo/invoke", 502, JSON,
                    "{\"error\":{\"type\":\"upstream_error\",\"code\":\"provider_error\",\"message\":\"mock answered 500\",\"param\":null}}");
            CliRun run = braid("invoke", "echo", "-i", "{}");

            assertEquals(4, run.exit(), run::toString);
            assertEquals("braid: 502 provider_error: mock answered 500\n", run.err());
        }

        @Test
        void braidsOwn504MeansThePipelineFailedToo() {
            server.answer("POST", "/v1/pipelines/echo/invoke", 504, JSON,
                    "{\"error\":{\"type\":\"upstream_error\",\"code\":\"provider_timeout\",\"message\":\"no answer in 10s\",\"param\":null}}");
            assertEquals(4, braid("invoke", "echo", "-i", "{}").exit());
            server.answer("POST", "/v1/pipelines/echo/invoke", 503, JSON,
                    "{\"error\":{\"type\":\"upstream_error\",\"code\":\"provider_unavailable\",\"message\":\"circuit open\",\"param\":null}}");
            assertEquals(4, braid("invoke", "echo", "-i", "{}").exit());
        }

        @Test
        void aProxys502IsAnUnavailableServer() {
            server.answer("POST", "/v1/pipelines/echo/invoke", 502, "text/html", "<html>Bad Gateway</html>");
            CliRun run = braid("invoke", "echo", "-i", "{}");

            assertEquals(3, run.exit(), run::toString);
            assertTrue(run.err().contains("not a Braid answer"), run.err());
        }

        @Test
        void aBadInputIsRefusedAndA500IsTheServersFault() {
            server.answer("POST", "/v1/pipelines/echo/invoke", 400, JSON,
                    FakeBraid.error("invalid_input", "input: missing required property 'text'"));
            assertEquals(1, braid("invoke", "echo", "-i", "{}").exit());
            server.answer("POST", "/v1/pipelines/echo/invoke", 500, JSON,
                    "{\"error\":{\"type\":\"api_error\",\"code\":\"internal_error\",\"message\":\"boom\",\"param\":null}}");
            assertEquals(3, braid("invoke", "echo", "-i", "{}").exit());
        }
    }

    @Nested
    class History {

        @Test
        void printsTheEventsAsATable() {
            server.answer("GET", "/api/pipelines/echo/history", 200, JSON, """
                    {"events":[
                      {"type":"deploy","version":1,"fromVersion":null,"actor":{"id":"key_1","name":"admin"},"at":"2026-01-01T10:00:00Z"},
                      {"type":"activate","version":2,"fromVersion":1,"actor":{"id":"key_2","name":"ci-bot"},"at":"2026-01-02T10:00:00Z"},
                      {"type":"rollback","version":1,"fromVersion":2,"actor":{"id":"key_2","name":"ci-bot"},"at":"2026-01-02T10:05:00Z"}]}""");
            CliRun run = braid("history", "echo");

            assertEquals(0, run.exit(), run::toString);
            assertEquals(
                    List.of(
                            "AT                    EVENT     VERSION  FROM  ACTOR",
                            "2026-01-01T10:00:00Z  deploy    v1       -     admin",
                            "2026-01-02T10:00:00Z  activate  v2       v1    ci-bot",
                            "2026-01-02T10:05:00Z  rollback  v1       v2    ci-bot"),
                    run.out().lines().toList());
        }
    }

    @Nested
    class Audit {

        static final String TRAIL = """
                {"events":[
                  {"type":"rollback","subject":"echo","actor":{"id":"key_2","name":"ci-bot"},"at":"2026-01-02T10:05:00Z",
                   "pipeline":"echo","version":1,"fromVersion":2},
                  {"type":"key_created","subject":"key_9","actor":{"id":"key_1","name":"admin"},"at":"2026-01-02T10:00:00Z",
                   "keyName":"shop-app","keyRole":"invoker"},
                  {"type":"provider_set","subject":"openai","actor":{"id":"key_1","name":"admin"},"at":"2026-01-01T11:00:00Z",
                   "provider":"openai"},
                  {"type":"deploy","subject":"echo","actor":{"id":"key_2","name":"ci-bot"},"at":"2026-01-01T10:00:00Z",
                   "pipeline":"echo","version":1,"fromVersion":null}],
                 "next":null}""";

        @Test
        void printsOneLinePerEventNewestFirst() {
            server.answer("GET", "/api/audit", 200, JSON, TRAIL);
            CliRun run = braid("audit", "--key", "bk_admin");

            assertEquals(0, run.exit(), run::toString);
            assertEquals(
                    List.of(
                            "AT                    EVENT         SUBJECT  DETAIL              ACTOR",
                            "2026-01-02T10:05:00Z  rollback      echo     v1 (was v2)         ci-bot",
                            "2026-01-02T10:00:00Z  key_created   key_9    shop-app (invoker)  admin",
                            "2026-01-01T11:00:00Z  provider_set  openai   -                   admin",
                            "2026-01-01T10:00:00Z  deploy        echo     v1                  ci-bot"),
                    run.out().lines().toList());
            assertEquals("", run.err(), "no more pages, nothing on stderr");
            assertNull(server.only().query(), "no filter given, none sent");
            assertEquals("Bearer bk_admin", server.only().authorization());
        }

        @Test
        void sendsTheFiltersAndSaysWhereTheNextPageStarts() {
            server.answer("GET", "/api/audit", 200, JSON, "{\"events\":[],\"next\":\"YWJj\"}");
            CliRun run = braid("audit", "--type", "deploy,rollback", "--type", "key_created", "--actor", "ci-bot",
                    "--since", "2026-01-01", "--until", "2026-01-02T00:00:00Z", "--limit", "20", "--before", "Y3Vy");

            assertEquals(0, run.exit(), run::toString);
            assertEquals("type=deploy%2Crollback%2Ckey_created&actor=ci-bot&since=2026-01-01"
                    + "&until=2026-01-02T00%3A00%3A00Z&limit=20&before=Y3Vy", server.only().query());
            assertEquals(List.of("AT  EVENT  SUBJECT  DETAIL  ACTOR"), run.out().lines().toList());
            assertEquals("braid: more events: add --before YWJj\n", run.err());
        }

        @Test
        void aRefusalIsReportedAndJsonPassesTheBodyThrough() throws IOException {
            server.answer("GET", "/api/audit", 400, JSON, "{\"error\":{\"type\":\"invalid_request_error\","
                    + "\"code\":\"invalid_request\",\"message\":\"\\\"limit\\\" must be a whole number from 1 to 1000\","
                    + "\"param\":\"limit\"}}");
            CliRun bad = braid("audit", "--limit", "5000");
            assertEquals(1, bad.exit(), bad::toString);
            assertTrue(bad.err().startsWith("braid: 400 "), bad.err());
            assertTrue(bad.err().contains("limit"), bad.err());

            server.answer("GET", "/api/audit", 200, JSON, TRAIL);
            CliRun json = braid("--json", "audit");
            assertEquals(0, json.exit(), json::toString);
            assertEquals(4, json(json.out()).path("events").size(), json.out());
        }

        @Test
        void aLimitThatIsNotANumberIsAUsageError() {
            CliRun run = braid("audit", "--limit", "many");
            assertEquals(2, run.exit(), run::toString);
            assertTrue(server.requests().isEmpty(), "nothing sent");
        }
    }

    @Nested
    class ServerAndKey {

        @Test
        void theKeyOptionIsSentAsABearerToken() {
            server.answer("GET", "/api/pipelines/echo/history", 200, JSON, "{\"events\":[]}");
            braid("history", "echo", "--key", "bk_live_abc");

            assertEquals("Bearer bk_live_abc", server.only().authorization());
        }

        @Test
        void theKeyComesFromTheEnvironmentAndTheOptionWins() {
            server.answer("GET", "/api/pipelines/echo/history", 200, JSON, "{\"events\":[]}");
            Map<String, String> env = Map.of("BRAID_SERVER", server.url(), "BRAID_KEY", "bk_env");
            CliRun.braid(env, "history", "echo");
            CliRun.braid(env, "--key", "bk_option", "history", "echo");

            assertEquals(
                    List.of("Bearer bk_env", "Bearer bk_option"),
                    server.requests().stream().map(FakeBraid.Recorded::authorization).toList());
        }

        @Test
        void theServerOptionWorksBeforeOrAfterTheCommandAndBeatsTheEnvironment() {
            server.answer("GET", "/api/pipelines/echo/history", 200, JSON, "{\"events\":[]}");
            Map<String, String> env = Map.of("BRAID_SERVER", "http://127.0.0.1:1");
            assertEquals(0, CliRun.braid(env, "--server", server.url(), "history", "echo").exit());
            assertEquals(0, CliRun.braid(env, "history", "echo", "--server", server.url() + "/").exit());
            assertEquals(2, server.requests().size());
            assertTrue(server.requests().stream().allMatch(r -> r.path().equals("/api/pipelines/echo/history")));
        }

        @Test
        void aRefusedConnectionExitsThree() throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            CliRun run = CliRun.braid(Map.of(), "--server", "http://127.0.0.1:" + port, "versions", "echo");

            assertEquals(3, run.exit(), run::toString);
            assertEquals("braid: cannot reach the Braid server at http://127.0.0.1:" + port + ": connection refused\n",
                    run.err());
        }

        @Test
        void noAnswerInTimeExitsThree() {
            server.answer("GET", "/api/pipelines/echo/versions",
                    request -> new FakeBraid.Canned(200, JSON, "{\"versions\":[]}", 3000));
            CliRun run = braid("versions", "echo", "--timeout", "1");

            assertEquals(3, run.exit(), run::toString);
            assertTrue(run.err().contains("no answer within 1s"), run.err());
        }

        @Test
        void aServerThatIsNotAUrlIsAUsageError() {
            assertEquals(2, CliRun.braid(Map.of(), "--server", "localhost:8080", "versions", "echo").exit());
        }

        @Test
        void noCommandIsAUsageErrorThatListsTheCommandsAndExitCodes() {
            CliRun run = braid();

            assertEquals(2, run.exit());
            assertTrue(run.err().contains("deploy"), run.err());
            CliRun help = braid("--help");
            assertEquals(0, help.exit());
            assertTrue(help.out().contains("Exit codes:"), help.out());
            assertTrue(help.out().contains("4   invoke only: the pipeline ran and a provider failed it"), help.out());
        }
    }
}
