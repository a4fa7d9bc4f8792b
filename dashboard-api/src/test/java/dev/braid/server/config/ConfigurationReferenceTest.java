package dev.braid.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.core.bind.annotation.Bindable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/CONFIGURATION.md is generated from the server's {@code @ConfigurationProperties} and
 * {@code @EachProperty} records (keys, types, {@code @param} Javadoc), the jar's application.yml (defaults)
 * and the {@code @Value("${braid.…}")} reads; this test fails when the checked-in page differs.
 * {@code ./mvnw -o -pl dashboard-api test -Dtest=ConfigurationReferenceTest -Dconfig.reference.update=true}
 * rewrites it.
 */
class ConfigurationReferenceTest {

    static final Path SOURCES = Path.of("src/main/java");
    static final Path PAGE = Path.of("../docs/CONFIGURATION.md");
    static final Pattern PREFIX = Pattern.compile("@(ConfigurationProperties|EachProperty)\\(\"([^\"]+)\"\\)");
    static final Pattern VALUE = Pattern.compile("@Value\\(\"\\$\\{(braid\\.[a-z0-9.-]+):([^}]*)}\"\\)\\s*(\\w+(?:<[^>]*>)?)");

    /** Keys read with {@code @Value} have no record to carry their Javadoc: described here, and the test fails on one that is not. */
    static final Map<String, String> VALUE_KEYS = Map.of(
            "braid.admin-key", "The first admin key (usually `BRAID_ADMIN_KEY`): accepted as an admin key; more keys are created with `POST /api/keys`.",
            "braid.secret-key", "Encrypts provider credentials stored with `PUT /api/providers` (usually `BRAID_SECRET_KEY`); without it, storing credentials is refused.",
            "braid.redis.uri", "Redis shared by all instances (`redis://host:6379`): rate limits, quotas, budgets and the response cache. Empty: each instance counts alone.",
            "braid.redis.command-timeout", "How long one Redis command may take; past it, a key with limits or budgets is refused with 503 `limits_unavailable` (never let through unmetered).",
            "braid.response-cache.shared", "With `braid.redis.uri`: model steps' cached answers live in Redis, shared by all instances.");

    @Test
    void theReferencePageMatchesTheConfigurationClasses() throws Exception {
        String generated = render();
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(PAGE, generated);
        }
        assertTrue(Files.exists(PAGE), "run with -Dconfig.reference.update=true to write " + PAGE);
        assertEquals(generated, Files.readString(PAGE),
                "docs/CONFIGURATION.md is out of date: run this test with -Dconfig.reference.update=true");
    }

    @Test
    void listKeysAreShownInYamlAndEnvironmentForm() throws Exception {
        String page = render();
        assertTrue(page.contains("`BRAID_ENRICH_ALLOWED_HOSTS=a,b`"), page);
        assertTrue(page.contains("`braid: {enrich: {allowed-hosts: [a, b]}}`"), page);
        assertTrue(page.contains("| `braid.providers.<name>.deployments` | map of string to string | none |"), page);
        assertTrue(page.contains("`BRAID_PROVIDERS_<NAME>_BASE_URL`"), page);
        assertTrue(page.contains("| `braid.runtime.drain-timeout` | duration | `30s` |"), page);
    }

    record Key(String key, String type, String defaultValue, String description, String yaml, String env) {}

    record Section(String prefix, String className, String intro, List<Key> keys) {}

    static String render() throws Exception {
        Map<String, Object> defaults = applicationYml();
        List<Section> sections = new ArrayList<>();
        Map<String, Key> valueKeys = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : files) {
            String source = Files.readString(file);
            Matcher m = PREFIX.matcher(source);
            if (m.find()) {
                sections.add(section(file, source, m.group(1).equals("EachProperty"), m.group(2), defaults));
            }
            Matcher v = VALUE.matcher(source);
            while (v.find()) {
                String key = v.group(1);
                String description = VALUE_KEYS.get(key);
                assertTrue(description != null, key + " is read with @Value in " + file + ": describe it in VALUE_KEYS");
                String type = typeName(v.group(3));
                String def = fromYaml(defaults, key);
                if (def == null) {
                    def = v.group(2).isEmpty() ? "none" : v.group(2);
                }
                valueKeys.put(key, new Key(key, type, def, description, yamlForm(key, type), envForm(key, type)));
            }
        }
        sections.sort((a, b) -> a.prefix().compareTo(b.prefix()));
        StringBuilder out = new StringBuilder(HEADER);
        for (Section s : sections) {
            out.append("\n## `").append(s.prefix()).append("`\n\n");
            if (!s.intro().isEmpty()) {
                out.append(s.intro()).append("\n\n");
            }
            out.append("From `").append(s.className()).append("`.\n\n");
            table(out, s.keys());
        }
        out.append("\n## Read directly\n\nKeys the server reads one by one (`@Value`), not through a configuration class.\n\n");
        table(out, List.copyOf(valueKeys.values()));
        return out.toString();
    }

    static void table(StringBuilder out, List<Key> keys) {
        out.append("| key | type | default | description | YAML | environment |\n| --- | --- | --- | --- | --- | --- |\n");
        for (Key k : keys) {
            out.append("| `").append(k.key()).append("` | ").append(k.type()).append(" | ")
                    .append(k.defaultValue().equals("none") ? "none" : "`" + k.defaultValue() + "`").append(" | ")
                    .append(k.description().replace("|", "\\|")).append(" | ").append(k.yaml()).append(" | ")
                    .append(k.env()).append(" |\n");
        }
    }

    static Section section(Path file, String source, boolean each, String prefix, Map<String, Object> defaults)
            throws Exception {
        String pkg = source.replaceAll("(?s)^.*?package ([\\w.]+);.*$", "$1");
        String simple = file.getFileName().toString().replace(".java", "");
        Class<?> type = Class.forName(pkg + "." + simple);
        assertTrue(type.isRecord(), type + ": configuration classes are records");
        assertTrue(type.isAnnotationPresent(each ? EachProperty.class : ConfigurationProperties.class), type.getName());
        String javadoc = javadocBefore(source, source.indexOf(each ? "@EachProperty" : "@ConfigurationProperties"));
        Map<String, String> params = params(javadoc);
        Object built = each ? null : buildWithNulls(type);
        String base = each ? prefix + ".<name>" : prefix;
        List<Key> keys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            if (each && c.getName().equals("name")) {
                continue; // the entry's name: the <name> in the key
            }
            String key = base + "." + kebab(c.getName());
            String t = typeName(c.getGenericType());
            String def = fromYaml(defaults, key);
            Bindable bindable = c.getAnnotation(Bindable.class);
            if (def == null && bindable != null && !bindable.defaultValue().isEmpty()) {
                def = bindable.defaultValue();
            }
            if (def == null && built != null) {
                def = show(c.getAccessor().invoke(built));
            }
            String description = params.getOrDefault(c.getName(), "");
            assertTrue(!description.isEmpty(), type.getSimpleName() + "." + c.getName() + " has no @param Javadoc");
            keys.add(new Key(key, t, def == null ? "none" : def, description, yamlForm(key, t), envForm(key, t)));
        }
        return new Section(base, type.getName().replace("dev.braid.server.", ""), intro(javadoc), keys);
    }

    /** A record whose components all accept null, built from nulls: its compact constructor's defaults. */
    static Object buildWithNulls(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            if (types[i].isPrimitive()) {
                return null;
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(new Object[components.length]);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static String show(Object value) {
        if (value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty())) {
            return null;
        }
        if (value instanceof Duration d) {
            long ms = d.toMillis();
            return ms % 60_000 == 0 ? ms / 60_000 + "m" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
        return String.valueOf(value);
    }

    static String typeName(Type type) {
        if (type instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class || raw == java.util.Set.class) {
                return args[0] instanceof ParameterizedType ? "list of objects" : "list of " + typeName(args[0]) + "s";
            }
            if (raw == Map.class) {
                return "map of " + typeName(args[0]) + " to " + typeName(args[1]);
            }
        }
        return typeName(type.getTypeName().replaceAll("^.*\\.", ""));
    }

    static String typeName(String simple) {
        return switch (simple) {
            case "boolean", "Boolean" -> "boolean";
            case "int", "Integer", "long", "Long" -> "integer";
            case "Duration" -> "duration";
            case "Path" -> "path";
            case "String" -> "string";
            case "Object" -> "value";
            default -> simple.startsWith("Map") ? "object" : simple.toLowerCase();
        };
    }

    /** Lists in YAML's flow form, nested as in braid.yml; other keys are written as their dotted path says. */
    static String yamlForm(String key, String type) {
        if (!type.startsWith("list") || type.equals("list of objects")) {
            return "—";
        }
        String[] parts = key.split("\\.");
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            yaml.append(parts[i]).append(": {");
        }
        yaml.append(parts[parts.length - 1]).append(": [a, b]").append("}".repeat(parts.length - 1));
        return "`" + yaml + "`";
    }

    static String envForm(String key, String type) {
        String env = key.replace("<name>", "<NAME>").replaceAll("[.-]", "_").toUpperCase();
        if (type.startsWith("list of objects") || type.startsWith("list of maps") || type.startsWith("map")) {
            return "YAML only";
        }
        return type.startsWith("list") ? "`" + env + "=a,b`" : "`" + env + "`";
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> applicationYml() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.yml"))) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    static String fromYaml(Map<String, Object> yaml, String key) {
        Object at = yaml;
        for (String part : key.split("\\.")) {
            if (!(at instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return null;
            }
            at = ((Map<String, Object>) map).get(part);
        }
        if (at instanceof List<?> list) {
            return list.isEmpty() ? null : "[" + String.join(", ", list.stream().map(String::valueOf).toList()) + "]";
        }
        return at instanceof Map ? null : String.valueOf(at);
    }

    static String javadocBefore(String source, int annotationAt) {
        int end = source.lastIndexOf("*/", annotationAt);
        int start = source.lastIndexOf("/**", end);
        if (start < 0 || end < 0 || !source.substring(end + 2, annotationAt).isBlank()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (String line : source.substring(start + 3, end).split("\n")) {
            text.append(line.replaceFirst("^\\s*\\*\\s?", "")).append('\n');
        }
        return text.toString();
    }

    static Map<String, String> params(String javadoc) {
        Map<String, String> params = new TreeMap<>();
        Matcher m = Pattern.compile("@param (\\w+)\\s+((?:(?!@param)[\\s\\S])*)").matcher(javadoc);
        while (m.find()) {
            params.put(m.group(1), inline(m.group(2)));
        }
        return params;
    }

    /** The Javadoc's first paragraph, without its code examples. */
    static String intro(String javadoc) {
        String text = javadoc.replaceAll("(?s)<pre>.*?</pre>", "").split("@param")[0];
        String first = text.strip().split("\n\\s*\n")[0];
        first = inline(first).replaceAll(":$", ".");
        return first.matches("`braid\\.[a-z.*-]+`\\.?") ? "" : first;
    }

    static String inline(String text) {
        return text.replaceAll("\\{@(?:code|link) ((?:[^{}]|\\{[^{}]*})*)}", "`$1`")
                .replaceAll(" \\(see `#[^`]*`\\)", "")
                .replaceAll("\\s+", " ")
                .strip();
    }

    static final String HEADER = """
            # Configuration reference

            <!-- Generated from the server's @ConfigurationProperties records by ConfigurationReferenceTest
                 (dashboard-api): do not edit by hand. After changing a configuration class, run
                 ./mvnw -o -pl dashboard-api test -Dtest=ConfigurationReferenceTest -Dconfig.reference.update=true -->

            Braid reads one file, `braid.yml`, over the defaults built into the jar (`application.yml`):

            - `--config <file>` on the server's command line, else
            - the file `BRAID_CONFIG` names, else
            - `braid.yml` in the working directory, when there is one.

            A named file that does not exist stops the start (exit code 2). `bin/braid-server` and
            `java -jar braid-server.jar` behave the same; an explicit `MICRONAUT_CONFIG_FILES` wins over all three.
            See [`samples/braid.yml`](../samples/braid.yml) for a commented example.

            Every key can also be set as an environment variable: upper case, `.` and `-` become `_`
            (`braid.enrich.dns-timeout` is `BRAID_ENRICH_DNS_TIMEOUT`). A list is written comma-separated
            (`BRAID_ENRICH_ALLOWED_HOSTS=a,b`). Environment variables win over `braid.yml`, and `-D` system
            properties over both. Maps and lists of objects (provider deployments, alias targets) can only be
            written in YAML. Durations are written `500ms`, `5s`, `5m`.

            **Reloading.** The server reads these keys at start. `POST /api/config/reload` (admin key, one
            instance per call) re-reads `braid.yml`, the environment and system properties and applies
            `braid.enrich.allowed-hosts` at once (checked on the next call and the next deploy); its answer
            `{"applied":[…],"enrichAllowedHosts":[…],"needsRestart":[…]}` names every other changed `braid.*` key,
            which needs a restart (a rolling one with several instances): model aliases and `braid.providers`
            among them. Without a restart, providers can be changed with `PUT /api/providers` and keys with
            `/api/keys`; pipelines are deployed through the API.

            Settings outside `braid.*` are Micronaut's: `micronaut.server.port` (`MICRONAUT_SERVER_PORT`, default
            8080), `micronaut.server.max-request-buffer-size` (default `1MB`; larger JSON and YAML bodies get 413
            `request_too_large`), `micronaut.server.max-request-size` (default `210MB`: file uploads only, which
            stream; keep it above `braid.files.max-bytes`),
            `datasources.default.url` / `username` / `password` (`DATASOURCES_DEFAULT_URL`, …; default an H2
            file under `./data`), `otel.traces.exporter` (`OTEL_TRACES_EXPORTER`, default `none`).
            """;
}
