package dev.braid.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * deploy/helm/braid rendered by {@link HelmSubset} (helm itself is not installable on this machine:
 * it is neither a Debian nor an npm package) and checked as Kubernetes would need it: every manifest's
 * apiVersion, kind and name; the Deployment's probes on /health, non-root security context matching
 * the image's user, resources and mounts; selectors that match the pods; references between the
 * Deployment, Secret, ConfigMap, Service, HPA and PodDisruptionBudget.
 */
class HelmChartTest {

    private static final Path CHART = Path.of(System.getProperty("braid.repo", "../..")).resolve("deploy/helm/braid");
    private static final Map<String, String> API_VERSIONS = Map.of(
            "Deployment", "apps/v1",
            "Service", "v1",
            "Secret", "v1",
            "ConfigMap", "v1",
            "HorizontalPodAutoscaler", "autoscaling/v2",
            "PodDisruptionBudget", "policy/v1");
    private static final Map<String, Object> SECRETS = Map.of(
            "adminKey", "bk_live_chart", "secretKey", "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IDMyYg==",
            "databasePassword", "pw");

    @Test
    void rendersEveryManifestWithItsRequiredFields() throws IOException {
        Map<String, Map<String, Object>> byKind = render(Map.of("secrets", SECRETS));
        assertEquals(API_VERSIONS.keySet(), byKind.keySet());
        for (Map<String, Object> manifest : byKind.values()) {
            String kind = (String) manifest.get("kind");
            assertEquals(API_VERSIONS.get(kind), manifest.get("apiVersion"), kind);
            String name = (String) map(manifest, "metadata").get("name");
            assertEquals("demo", name, kind + " is named after the release");
            assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63, name);
            assertEquals("braid", map(manifest, "metadata", "labels").get("app.kubernetes.io/name"), kind);
        }
    }

    @Test
    void theDeploymentProbesHealthRunsAsTheImagesNonRootUserAndMountsItsConfig() throws IOException {
        Map<String, Map<String, Object>> byKind = render(Map.of("secrets", SECRETS));
        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> spec = map(deployment, "spec");
        assertFalse(spec.containsKey("replicas"), "the HPA owns the count while autoscaling is on");
        Map<String, Object> podLabels = map(spec, "template", "metadata", "labels");
        assertTrue(podLabels.entrySet().containsAll(map(spec, "selector", "matchLabels").entrySet()));
        assertTrue(((String) map(spec, "template", "metadata", "annotations").get("checksum/config")).matches("[0-9a-f]{64}"));

        Map<String, Object> pod = map(spec, "template", "spec");
        Map<String, Object> podSecurity = map(pod, "securityContext");
        assertEquals(true, podSecurity.get("runAsNonRoot"));
        assertEquals(ImageBuilder.UID, podSecurity.get("runAsUser"), "the image's user");
        Map<String, Object> container = list(pod, "containers").get(0);
        assertEquals("braid:0.1.0-SNAPSHOT", container.get("image"), "tag defaults to the chart's appVersion");
        Map<String, Object> port = list(container, "ports").get(0);
        assertEquals(8080, port.get("containerPort"));
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            Map<String, Object> get = map(container, probe, "httpGet");
            assertEquals("/health", get.get("path"), probe);
            assertEquals(port.get("name"), get.get("port"), probe);
        }
        Map<String, Object> security = map(container, "securityContext");
        assertEquals(false, security.get("allowPrivilegeEscalation"));
        assertEquals(true, security.get("readOnlyRootFilesystem"));
        assertEquals(List.of("ALL"), map(security, "capabilities").get("drop"));
        assertNotNull(map(container, "resources", "limits").get("memory"), "the heap is a share of the limit");
        assertNotNull(map(container, "resources", "requests").get("cpu"), "the HPA's utilization needs a request");

        // every mount has a volume; /tmp is writable; braid.yml comes from the ConfigMap at BRAID_CONFIG
        Map<String, Map<String, Object>> volumes = list(pod, "volumes").stream()
                .collect(Collectors.toMap(v -> (String) v.get("name"), v -> v));
        Map<String, String> mounts = new HashMap<>();
        for (Map<String, Object> mount : list(container, "volumeMounts")) {
            assertTrue(volumes.containsKey(mount.get("name")), "no volume " + mount.get("name"));
            mounts.put((String) mount.get("mountPath"), (String) mount.get("name"));
        }
        assertTrue(volumes.get(mounts.get("/tmp")).containsKey("emptyDir"));
        Map<String, Object> env = env(container);
        String config = (String) env.get("BRAID_CONFIG");
        String configVolume = mounts.get(config.substring(0, config.lastIndexOf('/')));
        assertEquals("demo", map(volumes.get(configVolume), "configMap").get("name"));
        Map<String, Object> configMap = byKind.get("ConfigMap");
        String file = config.substring(config.lastIndexOf('/') + 1);
        Object braidYml = new Load(LoadSettings.builder().build()).loadFromString((String) map(configMap, "data").get(file));
        assertEquals("30s", map(asMap(braidYml), "braid", "runtime").get("drain-timeout"));

        // the server's settings, the keys from the Secret the chart made
        assertEquals("jdbc:postgresql://postgres:5432/braid", env.get("DATASOURCES_DEFAULT_URL"));
        assertEquals("org.postgresql.Driver", env.get("DATASOURCES_DEFAULT_DRIVER_CLASS_NAME"));
        assertEquals("redis://redis:6379", env.get("BRAID_REDIS_URI"));
        Map<String, Object> secretData = map(byKind.get("Secret"), "data");
        Map<String, String> decoded = new HashMap<>();
        secretData.forEach((k, v) -> decoded.put(k, new String(Base64.getDecoder().decode((String) v), StandardCharsets.UTF_8)));
        assertEquals("bk_live_chart", decoded.get("admin-key"));
        assertEquals(SECRETS.get("secretKey"), decoded.get("secret-key"));
        for (String variable : List.of("BRAID_ADMIN_KEY", "BRAID_SECRET_KEY", "DATASOURCES_DEFAULT_PASSWORD")) {
            Map<String, Object> ref = map(asMap(env.get(variable)), "secretKeyRef");
            assertEquals("demo", ref.get("name"), variable);
            assertTrue(secretData.containsKey(ref.get("key")), variable + " names a key the Secret has");
        }
    }

    @Test
    void theServiceHpaAndDisruptionBudgetSelectTheDeploymentsPods() throws IOException {
        Map<String, Map<String, Object>> byKind = render(Map.of("secrets", SECRETS));
        Map<String, Object> pod = map(byKind.get("Deployment"), "spec", "template");
        Map<String, Object> labels = map(pod, "metadata", "labels");
        Map<String, Object> service = map(byKind.get("Service"), "spec");
        assertTrue(labels.entrySet().containsAll(map(service, "selector").entrySet()));
        Set<Object> portNames = list(list(map(pod, "spec"), "containers").get(0), "ports").stream()
                .map(p -> p.get("name"))
                .collect(Collectors.toSet());
        assertTrue(portNames.contains(list(service, "ports").get(0).get("targetPort")));

        Map<String, Object> hpa = map(byKind.get("HorizontalPodAutoscaler"), "spec");
        assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "demo"), map(hpa, "scaleTargetRef"));
        int min = (Integer) hpa.get("minReplicas");
        assertTrue(min >= 2 && min <= (Integer) hpa.get("maxReplicas"));

        Map<String, Object> pdb = map(byKind.get("PodDisruptionBudget"), "spec");
        assertTrue(labels.entrySet().containsAll(map(pdb, "selector", "matchLabels").entrySet()));
        assertTrue((Integer) pdb.get("minAvailable") < min, "a budget the minimum can meet still lets nodes drain");
    }

    @Test
    void anExistingSecretReplacesTheChartsAndAFixedCountReplacesTheHpa() throws IOException {
        Map<String, Map<String, Object>> byKind = render(Map.of(
                "secrets", Map.of("existingSecret", "braid-keys"),
                "autoscaling", Map.of("enabled", false)));
        assertFalse(byKind.containsKey("Secret"));
        assertFalse(byKind.containsKey("HorizontalPodAutoscaler"));
        Map<String, Object> spec = map(byKind.get("Deployment"), "spec");
        assertEquals(2, spec.get("replicas"));
        Map<String, Object> env = env(list(map(spec, "template", "spec"), "containers").get(0));
        assertEquals("braid-keys", map(asMap(env.get("BRAID_ADMIN_KEY")), "secretKeyRef").get("name"));
    }

    @Test
    void withoutKeysTheRenderFailsAsHelmsRequiredWouldAndNotesRender() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> render(Map.of()));
        assertTrue(missing.getMessage().contains("secrets.adminKey"), missing.getMessage());
        String notes = renderer().render(Files.readString(CHART.resolve("templates/NOTES.txt")), root(Map.of("secrets", SECRETS)));
        assertTrue(notes.contains("kubectl -n braid port-forward service/demo 8080:80"), notes);
        assertFalse(notes.contains("{{"), notes);
    }

    // --- rendering ----------------------------------------------------------------------------------

    private static Map<String, Map<String, Object>> render(Map<String, Object> overrides) throws IOException {
        HelmSubset helm = renderer();
        Map<String, Object> root = root(overrides);
        Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
            for (Path template : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml = helm.render(Files.readString(template), root);
                for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
                    if (document == null) {
                        continue; // a template whose if is false
                    }
                    Map<String, Object> manifest = asMap(document);
                    assertNotNull(manifest.get("kind"), template.toString());
                    assertTrue(byKind.put((String) manifest.get("kind"), manifest) == null, "one of each kind");
                }
            }
        }
        return byKind;
    }

    private static HelmSubset renderer() throws IOException {
        return new HelmSubset(Files.readString(CHART.resolve("templates/_helpers.tpl")));
    }

    private static Map<String, Object> root(Map<String, Object> overrides) throws IOException {
        Load load = new Load(LoadSettings.builder().build());
        Map<String, Object> values = asMap(load.loadFromString(Files.readString(CHART.resolve("values.yaml"))));
        merge(values, overrides);
        Map<String, Object> chart = asMap(load.loadFromString(Files.readString(CHART.resolve("Chart.yaml"))));
        return Map.of(
                "Values", values,
                "Release", Map.of("Name", "demo", "Namespace", "braid", "Service", "Helm"),
                "Chart", Map.of("Name", chart.get("name"), "Version", chart.get("version"), "AppVersion", chart.get("appVersion")));
    }

    /** Helm's values merge: maps merge key by key, anything else replaces. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            if (value instanceof Map<?, ?> m && into.get(key) instanceof Map<?, ?>) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) into.get(key));
                merge(copy, (Map<String, Object>) m);
                into.put(key, copy);
            } else {
                into.put(key, value);
            }
        });
    }

    /** env as name → value, or → valueFrom for references. */
    private static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            env.put((String) variable.get("name"), variable.containsKey("value") ? variable.get("value") : variable.get("valueFrom"));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        assertTrue(value instanceof Map, "a mapping: " + value);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> map(Map<String, Object> from, String... path) {
        Map<String, Object> at = from;
        for (String key : path) {
            at = asMap(at.get(key));
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> from, String key) {
        Object value = from.get(key);
        assertTrue(value instanceof List, key + " is a list");
        return new ArrayList<>((List<Map<String, Object>>) value);
    }
}
