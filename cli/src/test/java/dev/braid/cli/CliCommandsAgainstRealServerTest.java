package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands issue 18 added, against the real server (its own child JVM, so its audit trail and
 * usage are this class's alone): {@code pipelines}, {@code keys}, {@code providers}, {@code usage},
 * {@code invoke --stream}; where the key comes from ({@code BRAID_URL}, {@code BRAID_ADMIN_KEY} as the
 * fallback) and the hint a 401 or 403 prints; the exit codes of a provider's and a pipeline's fault;
 * and the CI sample with a deployer key for the deploy and an invoker key for the smoke call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliCommandsAgainstRealServerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;

    ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        server = ServerProcess.start("cli-commands", work, Map.of("BRAID_PIPELINES_SHIPPED", "false"))
                .awaitHealthy(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    /** The environment the README's terminal has: the server's URL and its admin key, no BRAID_KEY. */
    Map<String, String> readmeEnv() {
        return Map.of("BRAID_URL", server.url().toString(), "BRAID_ADMIN_KEY", ServerProcess.ADMIN_KEY);
    }

    CliRun admin(String... args) {
        return CliRun.braid(readmeEnv(), args);
    }

    CliRun withKey(String key, String... args) {
        return CliRun.braid(Map.of("BRAID_URL", server.url().toString(), "BRAID_KEY", key), args);
    }

    Path file(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text);
    }

    /** A new key of this role, made with {@code braid keys create}; its secret is stdout's only line. */
    String createKey(String name, String role) {
        CliRun created = admin("keys", "create", "--name", name, "--role", role);
        assertEquals(0, created.exit(), created::toString);
        assertTrue(created.out().matches("bk_\\S+\n"), "the secret alone on stdout: " + created.out());
        return created.out().strip();
    }

    static String chatPipeline(String name, String targetOptions) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                input:
                  type: object
                stream: reply
                steps:
                  - id: reply
                    model:
                      task: chat
                      targets: [{ provider: mock, model: echo%s }]
                      retries: 0
                      prompt: { user: "{{input.text}}" }
                """.formatted(name, targetOptions);
    }

    @Test
    void theAdminKeyIsTheFallbackKeyAndEveryRefusalNamesWhereTheKeyCameFrom() throws IOException {
        // the README exports BRAID_ADMIN_KEY only: that is enough
        CliRun readme = admin("pipelines");
        assertEquals(0, readme.exit(), readme::toString);
        assertTrue(readme.out().matches("(?s)NAME +ACTIVE +LATEST +VERSIONS +STATE +UPDATED\n.*"), readme.out());

        // BRAID_KEY wins over BRAID_ADMIN_KEY, and a wrong one is named, never shown
        String wrong = "bk_live_NotAKeyThisServerKnows0000000000000";
        Map<String, String> env = new HashMap<>(readmeEnv());
        env.put("BRAID_KEY", wrong);
        CliRun badEnv = CliRun.braid(env, "pipelines");
        assertEquals(6, badEnv.exit(), badEnv::toString);
        assertTrue(badEnv.err().startsWith("braid: 401 invalid_api_key: "), badEnv.err());
        assertTrue(badEnv.err().contains("braid: hint: the key from BRAID_KEY is unknown to the server at "
                + server.url() + " (BRAID_URL) or was revoked"), badEnv.err());
        assertFalse(badEnv.err().contains(wrong) || badEnv.out().contains(wrong), "the key is never printed");

        // the admin key as the fallback, wrong: the hint says BRAID_KEY was not set
        CliRun badAdmin = CliRun.braid(
                Map.of("BRAID_URL", server.url().toString(), "BRAID_ADMIN_KEY", wrong), "versions", "x");
        assertEquals(6, badAdmin.exit(), badAdmin::toString);
        assertTrue(badAdmin.err().contains("the key from BRAID_ADMIN_KEY (BRAID_KEY is not set) is unknown"),
                badAdmin.err());

        // --key beats both and is what the hint names
        CliRun badFlag = admin("--key", wrong, "pipelines");
        assertEquals(6, badFlag.exit(), badFlag::toString);
        assertTrue(badFlag.err().contains("the key from --key is unknown"), badFlag.err());

        // no key at all
        CliRun none = CliRun.braid(Map.of("BRAID_URL", server.url().toString()), "pipelines");
        assertEquals(6, none.exit(), none::toString);
        assertTrue(none.err().startsWith("braid: 401 missing_api_key"), none.err());
        assertTrue(none.err().contains("braid: hint: no API key was sent: set BRAID_KEY (or BRAID_ADMIN_KEY) or pass --key"),
                none.err());

        // a validate refused for its key stops with the hint too, instead of blaming the file
        Path yaml = file("hint.yaml", CliAgainstRealServerTest.pipeline("hint", "input"));
        CliRun validate = CliRun.braid(Map.of("BRAID_URL", server.url().toString()), "validate", yaml.toString());
        assertEquals(6, validate.exit(), validate::toString);
        assertTrue(validate.err().contains("braid: hint: no API key was sent"), validate.err());
        assertFalse(validate.err().contains(yaml + ":"), "the file is not blamed: " + validate.err());

        // 403: a valid key whose role may not do this
        String viewer = createKey("hint-viewer", "viewer");
        CliRun forbidden = withKey(viewer, "keys", "list");
        assertEquals(6, forbidden.exit(), forbidden::toString);
        assertTrue(forbidden.err().startsWith("braid: 403 "), forbidden.err());
        assertTrue(forbidden.err().contains("braid: hint: the key from BRAID_KEY is valid but its role or scope"
                + " does not allow this"), forbidden.err());
        assertFalse(forbidden.err().contains(viewer));
    }

    @Test
    void keysAreCreatedListedUsedAndRevoked() throws IOException {
        CliRun created = admin("keys", "create", "--name", "ci-deployer", "--role", "deployer",
                "--requests-per-minute", "120", "--usd-per-month", "12.5");
        assertEquals(0, created.exit(), created::toString);
        String secret = created.out().strip();
        assertTrue(created.err().startsWith("braid: created key key_") && created.err().contains("'ci-deployer' (deployer)"),
                created.err());
        String id = created.err().split("\\s+")[3];

        CliRun invoker = admin("keys", "create", "--name", "shop", "--role", "invoker", "--pipelines", "a,b");
        assertEquals(0, invoker.exit(), invoker::toString);

        CliRun list = admin("keys", "list");
        assertEquals(0, list.exit(), list::toString);
        List<String> rows = list.out().lines().toList();
        assertTrue(rows.get(0).matches("ID +NAME +ROLE +PREFIX +SCOPE +LIMITS +CREATED +STATE"), rows.get(0));
        String row = rows.stream().filter(r -> r.startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError(list.toString()));
        assertTrue(row.matches(Pattern.quote(id) + " +ci-deployer +deployer +\\S+ +- +120/min, \\$12\\.5/month"
                + " +\\d{4}-\\d\\d-\\d\\dT\\S+Z +active"), row);
        assertTrue(rows.stream().anyMatch(r -> r.contains(" shop ") && r.contains("pipelines=a,b")), list.out());
        assertFalse(list.out().contains(secret), "a list never shows a secret");

        // the new deployer key works for what a deployer may do
        assertEquals(0, withKey(secret, "pipelines").exit());

        // revoke by name; then the key is refused, and the list says revoked
        CliRun revoke = admin("keys", "revoke", "ci-deployer");
        assertEquals("revoked key ci-deployer\n", revoke.out(), revoke::toString);
        CliRun refused = withKey(secret, "pipelines");
        assertEquals(6, refused.exit(), refused::toString);
        assertTrue(refused.err().contains("or was revoked"), refused.err());
        CliRun after = admin("--json", "keys", "list");
        JsonNode revoked = stream(MAPPER.readTree(after.out()).path("data"))
                .filter(k -> k.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertTrue(revoked.hasNonNull("revokedAt"), after.out());
        assertFalse(admin("keys", "list", "--active").out().contains(id), "--active leaves revoked keys out");

        CliRun unknown = admin("keys", "revoke", "key_does_not_exist");
        assertEquals(7, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().startsWith("braid: 404 key_not_found"), unknown.err());

        CliRun badRole = admin("keys", "create", "--name", "x", "--role", "superuser");
        assertEquals(1, badRole.exit(), badRole::toString);
        assertTrue(badRole.err().contains("[role]"), badRole.err());
    }

    static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    @Test
    void pipelinesListsEachWithItsActiveVersionAndState() throws IOException {
        Path v1 = file("list-a-v1.yaml", CliAgainstRealServerTest.pipeline("list-a", "{\"v\": 1}"));
        Path v2 = file("list-a-v2.yaml", CliAgainstRealServerTest.pipeline("list-a", "{\"v\": 2}"));
        Path b = file("list-b.yaml", CliAgainstRealServerTest.pipeline("list-b", "{\"b\": true}"));
        assertEquals(0, admin("deploy", v1.toString()).exit());
        assertEquals(0, admin("deploy", v2.toString()).exit(), "stored, not activated");
        assertEquals(0, admin("deploy", b.toString()).exit());

        CliRun list = admin("pipelines");
        assertEquals(0, list.exit(), list::toString);
        String a = list.out().lines().filter(l -> l.startsWith("list-a ")).findFirst().orElseThrow(() -> new AssertionError(list.toString()));
        assertTrue(a.matches("list-a +v1 +v2 +2 +newer-inactive +\\S+Z"), a);
        String bRow = list.out().lines().filter(l -> l.startsWith("list-b ")).findFirst().orElseThrow(() -> new AssertionError(list.toString()));
        assertTrue(bRow.matches("list-b +v1 +v1 +1 +live +\\S+Z"), bRow);

        assertEquals(0, admin("activate", "list-a", "2").exit());
        String live = admin("pipelines").out().lines().filter(l -> l.startsWith("list-a ")).findFirst().orElseThrow();
        assertTrue(live.matches("list-a +v2 +v2 +2 +live +\\S+Z"), live);

        JsonNode json = MAPPER.readTree(admin("--json", "pipelines").out());
        assertTrue(stream(json.path("pipelines")).anyMatch(p -> p.path("name").asText().equals("list-b")), json.toString());
    }

    @Test
    void providersListsTheConfiguredOnesAndModelsTheRoutableTargets() throws Exception {
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(server.url().resolve("/api/providers/local-llm"))
                .header("Authorization", "Bearer " + ServerProcess.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"type\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());

        CliRun providers = admin("providers");
        assertEquals(0, providers.exit(), providers::toString);
        List<String> rows = providers.out().lines().toList();
        assertTrue(rows.get(0).matches("NAME +TYPE +BASE URL +CREDENTIAL +SOURCE"), rows.get(0));
        assertTrue(rows.stream().anyMatch(r -> r.matches("local-llm +openai +http://127\\.0\\.0\\.1:9/v1 +- +api")),
                providers.out());

        String invoker = createKey("models-reader", "invoker");
        CliRun forbidden = withKey(invoker, "providers");
        assertEquals(6, forbidden.exit(), "the provider list is for admins: " + forbidden);
        CliRun models = withKey(invoker, "providers", "--models");
        assertEquals(0, models.exit(), models::toString);
        assertTrue(models.out().startsWith("MODEL"), models.out());
        assertTrue(models.out().lines().count() > 1, "at least one routable model: " + models.out());
    }

    @Test
    void usageIsATableByPipelineModelOrKeyWithTheServersFilters() throws Exception {
        Path a = file("usage-a.yaml", chatPipeline("usage-a", ""));
        Path b = file("usage-b.yaml", CliAgainstRealServerTest.pipeline("usage-b", "{\"ok\": true}"));
        assertEquals(0, admin("deploy", a.toString()).exit());
        assertEquals(0, admin("deploy", b.toString()).exit());
        String invoker = createKey("usage-caller", "invoker");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, withKey(invoker, "invoke", "usage-a", "-i", "{\"text\":\"hello there\"}").exit());
        }
        assertEquals(0, withKey(invoker, "invoke", "usage-b", "-i", "{}").exit());

        // rows are written behind the requests (a queue flushed every 500 ms): wait, bounded
        String rowA = awaitRow(() -> admin("usage", "--by", "pipeline"), "usage-a +3 +0 ");
        assertTrue(rowA.matches("usage-a +3 +0 +\\d+ +\\d+ +\\d+ +0\\.\\d{6} +\\d+\\.\\d +\\d+\\.\\d"), rowA);
        awaitRow(() -> admin("usage", "--by", "pipeline"), "usage-b +1 +0 ");

        CliRun filtered = admin("usage", "--by", "pipeline", "--pipeline", "usage-b", "--since", "2020-01-01");
        assertEquals(0, filtered.exit(), filtered::toString);
        assertEquals(2, filtered.out().lines().count(), "the header and usage-b only: " + filtered.out());
        assertTrue(filtered.err().startsWith("braid: usage from 2020-01-01T00:00:00Z to "), filtered.err());

        CliRun byModel = admin("usage", "--by", "model", "--pipeline", "usage-a");
        assertTrue(byModel.out().lines().anyMatch(l -> l.matches("mock/echo +3 .*")), byModel.out());
        assertTrue(byModel.err().contains("(step level)"), byModel.err());

        CliRun byKey = admin("usage", "--by", "key", "--pipeline", "usage-a");
        assertTrue(byKey.out().lines().anyMatch(l -> l.matches("usage-caller \\(key_\\S+\\) +3 .*")), byKey.out());

        CliRun future = admin("usage", "--since", "2099-01-01");
        assertEquals(1, future.exit(), "a window that ends before it starts is the server's 400: " + future);
        assertTrue(future.err().contains("400 invalid_request"), future.err());
    }

    interface Run {
        CliRun run();
    }

    static String awaitRow(Run command, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        CliRun last = null;
        while (System.nanoTime() < deadline) {
            last = command.run();
            assertEquals(0, last.exit(), last::toString);
            for (String line : last.out().lines().toList()) {
                if (line.matches(prefix + ".*")) {
                    return line;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no row starting " + prefix + " within 15 s: " + last);
    }

    @Test
    void invokeStreamPrintsDeltasAsTheyArrive() throws Exception {
        Path slow = file("stream.yaml", chatPipeline("streamed", ", chunkDelay: 400ms"));
        assertEquals(0, admin("deploy", slow.toString()).exit());

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = BraidCli.commandLine(readmeEnv());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cli.execute("invoke", "streamed", "--stream", "-i", "{\"text\":\"one two three four five\"}"));

        // while the command still runs, stdout already shows more than one delta
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seenWhileRunning = "";
        while (System.nanoTime() < deadline && !exit.isDone()) {
            String now = out.toString();
            if (now.startsWith("one two")) {
                seenWhileRunning = now;
                break;
            }
            Thread.sleep(10);
        }
        assertTrue(seenWhileRunning.startsWith("one two") && !exit.isDone(),
                "two deltas printed before the stream ended; saw '" + seenWhileRunning + "', done " + exit.isDone());
        assertEquals(0, exit.get(20, TimeUnit.SECONDS), err::toString);
        assertEquals("one two three four five\n", out.toString());
        assertTrue(err.toString().matches("braid: streamed v1 \\S+: \\d+ ms, \\d+ tokens, \\$\\S+\n"), err.toString());

        // --json: one line per event, the deltas first, the envelope last
        CliRun json = admin("--json", "invoke", "streamed", "--stream", "-i", "{\"text\":\"a b c\"}");
        assertEquals(0, json.exit(), json::toString);
        List<JsonNode> events = json.out().lines().map(CliCommandsAgainstRealServerTest::read).toList();
        assertEquals(List.of("delta", "delta", "delta", "done"), events.stream().map(e -> e.path("event").asText()).toList());
        assertEquals("a", events.get(0).at("/data/text").asText());
        assertEquals(" b", events.get(1).at("/data/text").asText());
        assertEquals("a b c", events.get(3).at("/data/output/text").asText());

        // a pipeline without stream: sends only done, printed as the envelope
        Path plain = file("plain.yaml", CliAgainstRealServerTest.pipeline("not-streamed", "{\"ok\": true}"));
        assertEquals(0, admin("deploy", plain.toString()).exit());
        CliRun whole = admin("invoke", "not-streamed", "--stream", "-i", "{}");
        assertEquals(0, whole.exit(), whole::toString);
        assertTrue(read(whole.out()).at("/output/ok").asBoolean(), whole.out());
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void aProvidersFaultAndAPipelinesFaultExitDifferently() throws IOException {
        Path provider = file("fault-provider.yaml", chatPipeline("fault-provider", ", failWith: 500"));
        Path pipeline = file("fault-pipeline.yaml",
                CliAgainstRealServerTest.pipeline("fault-pipeline", "$number(\"not a number\")"));
        assertEquals(0, admin("deploy", provider.toString()).exit());
        CliRun deployed = admin("deploy", pipeline.toString());
        assertEquals(0, deployed.exit(), deployed::toString);

        CliRun providerFault = admin("invoke", "fault-provider", "-i", "{\"text\":\"x\"}");
        assertEquals(4, providerFault.exit(), providerFault::toString);
        CliRun streamed = admin("invoke", "fault-provider", "--stream", "-i", "{\"text\":\"x\"}");
        assertEquals(4, streamed.exit(), "the same fault, streamed: " + streamed);

        CliRun pipelineFault = admin("invoke", "fault-pipeline", "-i", "{}");
        assertEquals(8, pipelineFault.exit(), pipelineFault::toString);

        CliRun missing = admin("invoke", "no-such-pipeline", "-i", "{}");
        assertEquals(7, missing.exit(), missing::toString);
    }

    @Test
    void theCiSampleDeploysWithADeployerKeyAndSmokesWithAnInvokerKey() throws Exception {
        String deployer = createKey("ci-deploy", "deployer");
        String invoker = createKey("ci-smoke", "invoker");
        Path good = file("ci2-good.yaml", CliAgainstRealServerTest.pipeline("ci-keys", "{\"ok\": true, \"text\": input.text}"));
        Path good2 = file("ci2-good2.yaml", CliAgainstRealServerTest.pipeline("ci-keys", "{\"ok\": 2, \"text\": input.text}"));
        Path bad = file("ci2-bad.yaml", chatPipeline("ci-keys", ", failWith: 500"));

        Map<String, String> keys = Map.of("BRAID_DEPLOY_KEY", deployer, "BRAID_INVOKE_KEY", invoker);
        Script passed = script(good, keys);
        assertEquals(0, passed.exit(), passed.output());
        assertTrue(passed.output().contains("smoke test passed; ci-keys is live"), passed.output());

        Script failed = script(bad, keys);
        assertEquals(4, failed.exit(), "a provider failed the smoke call: rolled back: " + failed.output());
        assertTrue(failed.output().contains("rolling ci-keys back to v1"), failed.output());
        assertEquals("1\n", admin("versions", "ci-keys", "--active").out());

        // a deployer key alone cannot smoke-test: exit 6 and no rollback of a version that may be fine
        Script noInvoker = script(good2, Map.of("BRAID_DEPLOY_KEY", deployer));
        assertEquals(6, noInvoker.exit(), noInvoker.output());
        assertTrue(noInvoker.output().contains("set BRAID_INVOKE_KEY to an invoker key"), noInvoker.output());
        assertEquals("3\n", admin("versions", "ci-keys", "--active").out(), "v3 stays active: " + noInvoker.output());
        assertFalse(noInvoker.output().contains(deployer), "no key in the output");

        // the audit trail says who did what: the deployer key deployed and rolled back
        CliRun audit = admin("audit", "--actor", "ci-deploy", "--type", "deploy,rollback");
        assertTrue(audit.out().lines().filter(l -> l.contains("ci-keys")).count() >= 3, audit.out());
    }

    record Script(int exit, String output) {}

    Script script(Path file, Map<String, String> keys) throws Exception {
        Path cli = work.resolve("braid-cli.sh");
        Files.writeString(cli, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path")
                + "' dev.braid.cli.BraidCli \"$@\"\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        Path sample = Path.of("..", "samples", "ci", "deploy-and-smoke.sh").toAbsolutePath().normalize();
        Path log = Files.createTempFile(work, "ci", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", sample.toString(), file.toString(), "ci-keys", "{\"text\":\"smoke\"}")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("BRAID_"));
        env.put("BRAID_CLI", cli.toString());
        env.put("BRAID_URL", server.url().toString());
        env.putAll(keys);
        Process process = builder.start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("the CI sample ran for more than 90 s:\n" + Files.readString(log));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Script(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
