package dev.braid.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/braid-server's command line, with a stand-in java (BRAID_JAVA) that prints what it was given:
 * the options file's lines in order without comments, then BRAID_JAVA_OPTS, then -jar and the jar,
 * then the caller's arguments unchanged (spaces kept); BRAID_CONFIG becomes MICRONAUT_CONFIG_FILES.
 */
class LauncherTest {

    private static final Path REPO = Path.of(System.getProperty("braid.repo", "../.."));

    @Test
    void buildsTheJavaCommandFromTheOptionsFileTheEnvironmentAndTheArguments(@TempDir Path dir) throws Exception {
        Path options = Files.writeString(dir.resolve("jvm.options"),
                "# a comment\n\n-XX:+UseSerialGC\n-Dwith.space=a b\n-XX:MaxRAMPercentage=75.0"); // no final newline
        Path config = Files.writeString(dir.resolve("braid.yml"), "braid: {}\n");
        Result result = run(dir, Map.of(
                        "BRAID_JVM_OPTIONS", options.toString(),
                        "BRAID_JAVA_OPTS", "-Xmx256m -Dx=1",
                        "BRAID_CONFIG", config.toString()),
                "first arg", "--second");
        assertEquals(0, result.exit(), result.out());
        assertEquals(
                List.of("-XX:+UseSerialGC", "-Dwith.space=a b", "-XX:MaxRAMPercentage=75.0", "-Xmx256m", "-Dx=1",
                        "-jar", dir.resolve("server.jar").toString(), "first arg", "--second",
                        "MICRONAUT_CONFIG_FILES=" + config),
                result.out().lines().toList());
    }

    @Test
    void usesTheCheckoutsOptionsFileAndRefusesAMissingJarOrConfig(@TempDir Path dir) throws Exception {
        Result result = run(dir, Map.of());
        assertEquals(0, result.exit(), result.out());
        List<String> lines = result.out().lines().toList();
        assertEquals(Files.readAllLines(REPO.resolve("deploy/config/jvm.options")).stream()
                        .filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .toList(),
                lines.subList(0, lines.indexOf("-jar")));
        assertEquals("MICRONAUT_CONFIG_FILES=", lines.get(lines.size() - 1), "no braid.yml, nothing set");

        Result noConfig = run(dir, Map.of("BRAID_CONFIG", dir.resolve("missing.yml").toString()));
        assertEquals(2, noConfig.exit());
        assertTrue(noConfig.out().contains("missing.yml, which does not exist"), noConfig.out());
        Result noJar = run(dir, Map.of("BRAID_JAR", dir.resolve("nope.jar").toString()));
        assertEquals(2, noJar.exit());
        assertTrue(noJar.out().contains("no server jar at"), noJar.out());
    }

    private record Result(int exit, String out) {}

    private static Result run(Path dir, Map<String, String> env, String... args) throws Exception {
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\necho \"MICRONAUT_CONFIG_FILES=${MICRONAUT_CONFIG_FILES:-}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("server.jar"), "not read");
        List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", REPO.resolve("bin/braid-server").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("BRAID_HOME", REPO.toString());
        builder.environment().put("BRAID_JAVA", java.toString());
        builder.environment().put("BRAID_JAR", dir.resolve("server.jar").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        return new Result(process.exitValue(), out);
    }
}
