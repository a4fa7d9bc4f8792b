package dev.braid.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * deploy/compose.yaml (not started here: no Docker daemon on this machine): the topology, the image
 * the build makes, settings the server really reads, a balancer pointing at the instances, and
 * local-cluster.sh starting its processes with the same settings.
 */
class ComposeTest {

    private static final Path REPO = Path.of(System.getProperty("braid.repo", "../.."));

    @Test
    void twoInstancesOfTheBuiltImageBehindHaproxyWithTheirServices() throws IOException {
        Map<String, Object> services = map(compose(), "services");
        assertEquals(Set.of("braid-1", "braid-2", "lb", "postgres", "redis", "rabbitmq"), services.keySet());
        String image = System.getProperty("braid.image.name", "braid:0.1.0-SNAPSHOT");
        assertEquals(image, map(services, "braid-1").get("image"), "the tag deploy/image's build loads");
        assertEquals(map(services, "braid-1"), map(services, "braid-2"), "the same settings on both");

        Map<String, Object> lb = map(services, "lb");
        String mount = ((List<?>) lb.get("volumes")).get(0).toString();
        Path config = REPO.resolve("deploy").resolve(mount.substring(0, mount.indexOf(':')));
        Matcher servers = Pattern.compile("(?m)^\\s*server (\\S+) (\\S+):(\\d+) check").matcher(Files.readString(config));
        List<String> targets = new ArrayList<>();
        while (servers.find()) {
            assertEquals(servers.group(1), servers.group(2), "HAProxy's server names are what X-Braid-Instance shows");
            assertTrue(services.containsKey(servers.group(2)), servers.group(2));
            assertEquals("8080", servers.group(3), "the server's default port, the image's ExposedPorts");
            targets.add(servers.group(2));
        }
        assertEquals(List.of("braid-1", "braid-2"), targets);
    }

    @Test
    void theInstancesSettingsAreReadByTheServerAndUsedByLocalCluster() throws IOException {
        Map<String, Object> env = map(map(map(compose(), "services"), "braid-1"), "environment");
        String sources = serverSources();
        String launcher = Files.readString(REPO.resolve("bin/braid-server"));
        String cluster = Files.readString(REPO.resolve("deploy/local-cluster.sh"));
        Set<String> unread = new TreeSet<>();
        for (String variable : env.keySet()) {
            boolean read;
            if (variable.startsWith("DATASOURCES_DEFAULT_")) {
                // Micronaut's datasources.default.<key>, declared in application.yml or read by Hikari
                read = sources.contains("datasources:") && sources.contains("  default:");
            } else if (variable.equals("BRAID_JAVA_OPTS")) {
                read = launcher.contains("${BRAID_JAVA_OPTS:-}");
            } else if (variable.startsWith("BRAID_")) {
                // Micronaut maps BRAID_ADMIN_KEY to braid.admin.key, braid.admin-key, …: any of them
                read = propertyNames(variable.toLowerCase(Locale.ROOT)).stream().anyMatch(p -> sources.contains("${" + p));
            } else if (variable.endsWith("_API_KEY")) {
                // provider keys: ProviderType's prefix + "_API_KEY"
                String prefix = variable.substring(0, variable.length() - "_API_KEY".length());
                read = sources.contains("\"" + prefix + "\"") && sources.contains("_API_KEY\"");
            } else {
                read = sources.contains("\"" + variable + "\"");
            }
            if (!read) {
                unread.add(variable);
            }
            if (variable.startsWith("DATASOURCES_") || variable.startsWith("BRAID_")) {
                assertTrue(cluster.contains(variable + "="), "local-cluster.sh sets " + variable + " as compose does");
            }
        }
        assertEquals(Set.of(), unread, "settings the server does not read");
    }

    /** Every name an environment variable can stand for: each '_' is a '.' or a '-'. */
    private static List<String> propertyNames(String variable) {
        List<String> names = new ArrayList<>(List.of(""));
        String[] parts = variable.split("_");
        names.set(0, parts[0]);
        for (int i = 1; i < parts.length; i++) {
            List<String> next = new ArrayList<>();
            for (String name : names) {
                next.add(name + "." + parts[i]);
                next.add(name + "-" + parts[i]);
            }
            names = next;
        }
        return names;
    }

    private static Map<String, Object> compose() throws IOException {
        return asMap(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(REPO.resolve("deploy/compose.yaml"))));
    }

    /** The server modules' main sources and resources, as one text to search for property names. */
    private static String serverSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String module : List.of("dashboard-api", "engine", "components")) {
            Path main = REPO.resolve(module).resolve("src/main");
            if (!Files.isDirectory(main)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(main)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".yml")).toList()) {
                    all.append(Files.readString(file)).append('\n');
                }
            }
        }
        return all.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        assertTrue(value instanceof Map, "a mapping: " + value);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> map(Map<String, Object> from, String key) {
        return asMap(from.get(key));
    }
}
