package dev.braid.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one config file and the environment form of list keys, in real child JVMs (real environment
 * variables, real working directories): what the server binds, printed by ConfigProbe.
 */
class ConfigFileTest {

    static final String BRAID_YML = """
            braid:
              enrich:
                allowed-hosts: [crm.internal:8443, 127.0.0.1:18081]
              models:
                aliases:
                  fast:
                    targets: [{ provider: mock, model: echo }]
            """;

    @TempDir
    Path dir;

    Map<String, String> probe(Path workingDirectory, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ConfigProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(false);
        pb.environment().keySet().removeIf(k -> k.startsWith("BRAID_") || k.startsWith("MICRONAUT_"));
        pb.environment().put("DATASOURCES_DEFAULT_URL", "jdbc:h2:mem:probe;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
        Map<String, String> values = new LinkedHashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        values.put("exit", String.valueOf(p.exitValue()));
        return values;
    }

    Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, BRAID_YML);
    }

    @Test
    void braidYmlInTheWorkingDirectoryIsRead() throws Exception {
        write(dir.resolve("braid.yml"));
        Map<String, String> bound = probe(dir, Map.of());
        assertEquals("0", bound.get("exit"), bound.toString());
        assertEquals("[crm.internal:8443, 127.0.0.1:18081]", bound.get("allowed-hosts"));
        assertEquals("[fast]", bound.get("aliases"));
    }

    @Test
    void configFlagAndBraidConfigNameTheFileAndTheFlagWins() throws Exception {
        Path named = write(dir.resolve("etc/braid.yml"));
        Map<String, String> byEnv = probe(dir, Map.of("BRAID_CONFIG", named.toString()));
        assertEquals("[fast]", byEnv.get("aliases"), byEnv.toString());

        Path other = dir.resolve("other.yml");
        Files.writeString(other, "braid:\n  camel:\n    allowed-schemes: [log, direct]\n");
        Map<String, String> byFlag = probe(dir, Map.of("BRAID_CONFIG", named.toString()), "--config", "other.yml");
        assertEquals("[direct, log]", byFlag.get("allowed-schemes"), byFlag.toString());
        assertEquals("[]", byFlag.get("aliases"), "--config wins over BRAID_CONFIG");
    }

    @Test
    void aNamedFileThatDoesNotExistStopsTheStart() throws Exception {
        Map<String, String> bound = probe(dir, Map.of("BRAID_CONFIG", "nope.yml"));
        assertEquals("2", bound.get("exit"));
        assertTrue(bound.get("error").contains("nope.yml") && bound.get("error").contains("does not exist"), bound.toString());
    }

    @Test
    void aListKeyInEnvironmentFormIsCommaSeparatedAndWinsOverTheFile() throws Exception {
        write(dir.resolve("braid.yml"));
        Map<String, String> bound = probe(dir, Map.of(
                "BRAID_ENRICH_ALLOWED_HOSTS", "a.internal,b.internal:8080",
                "BRAID_CAMEL_ALLOWED_SCHEMES", "log,direct"));
        assertEquals("0", bound.get("exit"), bound.toString());
        assertEquals("[a.internal, b.internal:8080]", bound.get("allowed-hosts"));
        assertEquals("[direct, log]", bound.get("allowed-schemes"));
    }

    @Test
    void theSampleConfigLoads() throws Exception {
        Path sample = Path.of("../samples/braid.yml").toAbsolutePath().normalize();
        Map<String, String> bound = probe(dir, Map.of(), "--config", sample.toString());
        assertEquals("0", bound.get("exit"), bound.toString());
        assertEquals("[crm.internal:8443]", bound.get("allowed-hosts"));
        assertEquals("[fast]", bound.get("aliases"));
    }

    @Test
    void choosingIsPure() throws Exception {
        write(dir.resolve("braid.yml"));
        ConfigFile chosen = ConfigFile.choose(new String[] {"--config=braid.yml", "-port=1"}, Map.of(), dir);
        assertEquals(dir.resolve("braid.yml").toAbsolutePath().normalize(), chosen.file().orElseThrow());
        assertEquals(List.of("-port=1"), chosen.remainingArgs(), "--config is not passed on to Micronaut");
        assertTrue(ConfigFile.choose(new String[0], Map.of(), dir.resolve("empty-nonexistent")).file().isEmpty());
    }
}
