package dev.braid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the real server (a child JVM on a fresh H2 file database): every command, the
 * compiler-style 422 lines with the server's real line and column, and the CI sample script's
 * deploy → smoke → rollback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstRealServerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static String pipeline(String name, String jsonata) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                input:
                  type: object
                steps:
                  - id: answer
                    transform: { jsonata: '%s' }
                """.formatted(name, jsonata);
    }

    @TempDir
    static Path work;

    ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        server = ServerProcess.start("cli-e2e", work, Map.of("BRAID_PIPELINES_SHIPPED", "false"))
                .awaitHealthy(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    CliRun braid(String... args) {
        return CliRun.braid(Map.of("BRAID_SERVER", server.url().toString(), "BRAID_KEY", ServerProcess.ADMIN_KEY), args);
    }

    Path file(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text);
    }

    static JsonNode json(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    @Test
    void everyCommandAgainstTheRealServer() throws IOException {
        Path v1 = file("v1.yaml", pipeline("cli-e2e", "{\"v\": 1, \"text\": input.text}"));
        Path v2 = file("v2.yaml", pipeline("cli-e2e", "{\"v\": 2, \"text\": input.text}"));
        Path typo = file("typo.yaml", pipeline("cli-e2e", "input").replace("transform:", "transfrom:"));

        CliRun valid = braid("validate", v1.toString(), "--camel");
        assertEquals(0, valid.exit(), valid::toString);
        assertTrue(valid.out().startsWith(v1 + ": valid\n"), valid.out());
        assertTrue(valid.out().contains("direct:braid.cli-e2e."), "the generated Camel routes: " + valid.out());

        CliRun invalid = braid("validate", typo.toString());
        assertEquals(1, invalid.exit(), invalid::toString);
        // line 8 is "    transfrom: …": the unknown key is reported where it stands
        assertTrue(invalid.err().lines().anyMatch(l -> l.startsWith(typo + ":8:5: steps[0].transfrom: ")), invalid.err());

        CliRun first = braid("deploy", v1.toString(), "-m", "first");
        assertEquals(0, first.exit(), first::toString);
        assertTrue(first.out().startsWith("cli-e2e v1 deployed, sha256 "), first.out());
        assertTrue(first.out().endsWith(", active\n"), "a pipeline's first version activates: " + first.out());

        CliRun second = braid("deploy", v2.toString(), "--message", "v is two");
        assertEquals(0, second.exit(), second::toString);
        assertTrue(second.out().contains("cli-e2e v2 deployed") && second.out().contains("not active (active: v1;"),
                second.out());

        assertEquals(1, invoke().path("output").path("v").asInt(), "v2 is stored, v1 still runs");
        assertEquals(2, invoke("--version", "2").path("version").asInt(), "a call may pin v2");

        CliRun activate = braid("activate", "cli-e2e", "2");
        assertEquals("cli-e2e v2 is active (was v1)\n", activate.out(), activate::toString);
        assertEquals(2, invoke().path("output").path("v").asInt());

        CliRun versions = braid("versions", "cli-e2e");
        assertEquals(0, versions.exit(), versions::toString);
        List<String> rows = versions.out().lines().toList();
        assertEquals(3, rows.size(), versions.out());
        assertTrue(rows.get(0).startsWith("VERSION  ACTIVE  CREATED"), rows.get(0));
        assertTrue(rows.get(1).matches("1 {16}\\S.*first"), rows.get(1));
        assertTrue(rows.get(2).matches("2 {8}\\* {7}\\S.*v is two"), rows.get(2));
        assertEquals("2\n", braid("versions", "cli-e2e", "--active").out());

        CliRun diff = braid("diff", "cli-e2e", "1", "2");
        assertEquals(0, diff.exit(), diff::toString);
        assertTrue(diff.out().lines().anyMatch(l -> l.startsWith("-") && l.contains("\"v\": 1")), diff.out());
        assertTrue(diff.out().lines().anyMatch(l -> l.startsWith("+") && l.contains("\"v\": 2")), diff.out());

        CliRun rollback = braid("rollback", "cli-e2e");
        assertEquals("cli-e2e rolled back: v1 is active (was v2)\n", rollback.out(), rollback::toString);
        assertEquals(1, invoke().path("output").path("v").asInt());
        CliRun nothingLeft = braid("rollback", "cli-e2e");
        assertEquals(1, nothingLeft.exit(), "v1 was the first activation: " + nothingLeft);
        assertTrue(nothingLeft.err().contains("409 nothing_to_roll_back"), nothingLeft.err());
        CliRun to = braid("rollback", "cli-e2e", "--to", "2");
        assertEquals("cli-e2e rolled back: v2 is active (was v1)\n", to.out(), to::toString);
        // issue 14: deploy v1; deploy --activate v2; rollback --to 1; rollback must not bring v2 back.
        // Here the mirror: v1 was left by a rollback, so it is rejected and a plain rollback refuses
        CliRun neverBack = braid("rollback", "cli-e2e");
        assertEquals(1, neverBack.exit(), "v1 was rejected by the rollback that left it: " + neverBack);
        assertTrue(neverBack.err().contains("409 nothing_to_roll_back") && neverBack.err().contains("rejected"),
                neverBack.err());
        assertEquals(2, invoke().path("output").path("v").asInt());

        CliRun same = braid("deploy", v2.toString(), "--activate");
        assertEquals(0, same.exit(), same::toString);
        assertTrue(same.out().startsWith("cli-e2e v2 unchanged"), same.out());

        CliRun history = braid("history", "cli-e2e");
        assertEquals(0, history.exit(), history::toString);
        // oldest first: the type and version columns of each row
        List<String> events = history.out().lines().skip(1)
                .map(l -> l.split("\\s+")[1] + " " + l.split("\\s+")[2])
                .toList();
        assertEquals(List.of("deploy v1", "deploy v2", "activate v2", "rollback v1", "rollback v2"), events,
                history.out());

        CliRun audit = braid("audit", "--type", "deploy,rollback", "--limit", "3");
        assertEquals(0, audit.exit(), audit::toString);
        // newest first, across the server's whole trail: the event and detail columns of each row
        List<String> trail = audit.out().lines().skip(1)
                .map(l -> l.split("\\s+")[1] + " " + l.split("\\s+")[3])
                .toList();
        assertEquals(List.of("rollback v2", "rollback v1", "deploy v2"), trail, audit.out());
        assertTrue(audit.err().startsWith("braid: more events: add --before "), audit.err());
        assertTrue(braid("audit").out().lines().anyMatch(l -> l.contains("key_created")),
                "the admin key's creation at first start is in the trail");

        CliRun unknown = braid("versions", "no-such-pipeline");
        assertEquals(7, unknown.exit(), unknown::toString);
        assertTrue(unknown.err().startsWith("braid: 404 "), unknown.err());
    }

    JsonNode invoke(String... extra) throws IOException {
        String[] args = new String[3 + extra.length + 2];
        args[0] = "--json";
        args[1] = "invoke";
        args[2] = "cli-e2e";
        System.arraycopy(extra, 0, args, 3, extra.length);
        args[args.length - 2] = "--input";
        args[args.length - 1] = "{\"text\":\"hi\"}";
        CliRun run = braid(args);
        assertEquals(0, run.exit(), run::toString);
        return json(run.out());
    }

    @Test
    void theCiSampleDeploysSmokesAndRollsBackAFailingVersion() throws Exception {
        Path cli = work.resolve("braid");
        Files.writeString(cli, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path")
                + "' dev.braid.cli.BraidCli \"$@\"\n");
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        Path good = file("ci-good.yaml", pipeline("ci-flow", "{\"ok\": true, \"text\": input.text}"));
        Path bad = file("ci-bad.yaml", """
                apiVersion: braid/v1
                kind: Pipeline
                name: ci-flow
                input:
                  type: object
                steps:
                  - id: reply
                    model:
                      task: chat
                      targets: [{ provider: mock, model: down, failWith: 500 }]
                      retries: 0
                      prompt: { user: "{{input.text}}" }
                """);

        Script passed = script(cli, good);
        assertEquals(0, passed.exit(), passed.output());
        assertEquals("1\n", braid("versions", "ci-flow", "--active").out());

        Script failed = script(cli, bad);
        assertEquals(4, failed.exit(), "smoke failed, rolled back: " + failed.output());
        assertTrue(failed.output().contains("smoke test failed (exit 4)"), "a provider failed it: " + failed.output());
        assertTrue(failed.output().contains("rolling ci-flow back to v1"), failed.output());
        assertEquals("1\n", braid("versions", "ci-flow", "--active").out(), "v2 was deployed, failed, and rolled back");
        assertEquals(2, json(braid("--json", "versions", "ci-flow").out()).path("versions").size());
    }

    record Script(int exit, String output) {}

    Script script(Path cli, Path file) throws Exception {
        Path sample = Path.of("..", "samples", "ci", "deploy-and-smoke.sh").toAbsolutePath().normalize();
        Path log = Files.createTempFile(work, "ci", ".log");
        ProcessBuilder builder = new ProcessBuilder("sh", sample.toString(), file.toString(), "ci-flow", "{\"text\":\"smoke\"}")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("BRAID_CLI", cli.toString());
        builder.environment().put("BRAID_KEY", ServerProcess.ADMIN_KEY);
        builder.environment().put("BRAID_SERVER", server.url().toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the CI sample ran for more than 60 s:\n" + Files.readString(log));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Script(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
