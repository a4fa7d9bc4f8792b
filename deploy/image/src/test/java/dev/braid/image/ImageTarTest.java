package dev.braid.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tar that the build wrote in package (target/braid-image.tar): a valid OCI layout
 * whose digests, sizes and diff_ids match, run as a non-root user, and whose layers hold a runnable
 * system: the image's own loader and glibc run its JRE, and its /bin/sh runs its entrypoint, which
 * starts the server (not chrooted: paths are moved with the env the launcher reads).
 */
class ImageTarTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TAR = Path.of(System.getProperty("braid.image.tar", "target/braid-image.tar"));

    /** path in the tar → content (JSON documents) or sha256 and size (blobs) */
    private static final Map<String, byte[]> small = new HashMap<>();
    private static final Map<String, String> sha = new HashMap<>();
    private static final Map<String, Long> size = new HashMap<>();
    private static JsonNode manifest;
    private static JsonNode config;

    @BeforeAll
    static void readTar() throws IOException {
        assertTrue(Files.isRegularFile(TAR), "the build writes " + TAR + " in package");
        try (TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(TAR)))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                MessageDigest digest = LayerWriter.sha256();
                byte[] buffer = new byte[1 << 16];
                long total = 0;
                java.io.ByteArrayOutputStream keep = new java.io.ByteArrayOutputStream();
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    total += n;
                    if (keep.size() < 1 << 20) {
                        keep.write(buffer, 0, n);
                    }
                }
                sha.put(entry.getName(), "sha256:" + LayerWriter.hex(digest));
                size.put(entry.getName(), total);
                if (total < 1 << 20) {
                    small.put(entry.getName(), keep.toByteArray());
                }
            }
        }
        JsonNode index = JSON.readTree(small.get("index.json"));
        JsonNode descriptor = index.path("manifests").get(0);
        manifest = blobJson(descriptor, OciLayout.MANIFEST_TYPE);
        config = blobJson(manifest.path("config"), OciLayout.CONFIG_TYPE);
    }

    /** The blob a descriptor names: present, of its size and digest, and of its media type. */
    private static JsonNode blobJson(JsonNode descriptor, String mediaType) throws IOException {
        String path = blob(descriptor, mediaType);
        return JSON.readTree(small.get(path));
    }

    private static String blob(JsonNode descriptor, String mediaType) {
        assertEquals(mediaType, descriptor.path("mediaType").asText());
        String digest = descriptor.path("digest").asText();
        String path = "blobs/" + digest.replace(':', '/');
        assertTrue(sha.containsKey(path), "no blob for " + digest);
        assertEquals(digest, sha.get(path), "the blob's content hashes to its name");
        assertEquals(descriptor.path("size").asLong(), size.get(path), "the descriptor's size for " + path);
        return path;
    }

    @Test
    void isAnOciLayoutWhoseDigestsSizesAndDiffIdsMatch() throws IOException {
        assertEquals("1.0.0", JSON.readTree(small.get("oci-layout")).path("imageLayoutVersion").asText());
        JsonNode index = JSON.readTree(small.get("index.json"));
        assertEquals(2, index.path("schemaVersion").asInt());
        assertEquals(1, index.path("manifests").size());
        assertEquals(
                System.getProperty("braid.image.name", "braid:latest"),
                index.path("manifests").get(0).path("annotations").path("io.containerd.image.name").asText());
        assertEquals(2, manifest.path("schemaVersion").asInt());
        assertEquals("linux", config.path("os").asText());

        JsonNode layers = manifest.path("layers");
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        assertEquals("layers", config.path("rootfs").path("type").asText());
        assertEquals(4, layers.size(), "os, jre, app, launcher");
        assertEquals(layers.size(), diffIds.size());
        List<String> dockerLayers = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String path = blob(layers.get(i), OciLayout.LAYER_TYPE);
            dockerLayers.add(path);
            assertEquals(diffIds.get(i).asText(), gunzippedSha(path), "diff_id of layer " + i);
        }
        assertEquals(layers.size(), config.path("history").size());

        // Docker's manifest.json (docker load before OCI layout support) names the same blobs
        JsonNode docker = JSON.readTree(small.get("manifest.json")).get(0);
        assertEquals(OciLayout.blobPath(manifest.path("config").path("digest").asText()), docker.path("Config").asText());
        List<String> named = new ArrayList<>();
        docker.path("Layers").forEach(n -> named.add(n.asText()));
        assertEquals(dockerLayers, named);
    }

    @Test
    void runsTheLauncherAsANonRootUser() {
        JsonNode run = config.path("config");
        assertEquals("[\"/opt/braid/bin/braid-server\"]", run.path("Entrypoint").toString());
        assertEquals("10001:10001", run.path("User").asText());
        assertNotEquals("0", run.path("User").asText().split(":")[0]);
        assertEquals("/var/lib/braid", run.path("WorkingDir").asText());
        assertTrue(run.path("ExposedPorts").has("8080/tcp"));
        List<String> env = new ArrayList<>();
        run.path("Env").forEach(n -> env.add(n.asText()));
        assertTrue(env.contains("JAVA_HOME=/opt/java"), env.toString());
        assertTrue(env.contains("BRAID_HOME=/opt/braid"), env.toString());
    }

    @Test
    void layersHoldAShellAUserAndAJreThatRunsOnTheImagesOwnGlibc(@TempDir Path root) throws Exception {
        Map<String, TarArchiveEntry> headers = extract(root);
        TarArchiveEntry entrypoint = headers.get("opt/braid/bin/braid-server");
        assertEquals(0755, entrypoint.getMode() & 07777);
        assertTrue(Files.readString(root.resolve("opt/braid/bin/braid-server")).startsWith("#!/bin/sh\n"));
        assertEquals(0755, headers.get("bin/sh").getMode() & 07777, "the entrypoint's interpreter");
        assertTrue(Files.readString(root.resolve("opt/braid/config/jvm.options")).contains("-XX:MaxRAMPercentage="));
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains("braid:x:10001:10001:"));
        assertEquals(01777, headers.get("tmp").getMode() & 07777);
        assertEquals(10001, headers.get("var/lib/braid").getLongUserId(), "the working directory is the user's");
        assertTrue(headers.keySet().stream().noneMatch(p -> p.contains("libawt_xawt")), "no X11 in a headless image");

        // the image's dynamic loader with only the image's libraries: nothing comes from this machine
        Path loader = root.resolve("lib64/ld-linux-x86-64.so.2");
        assertTrue(Files.isExecutable(loader), "the loader every binary names");
        Process java = new ProcessBuilder(
                        loader.toString(), "--library-path", root.resolve("lib/x86_64-linux-gnu").toString(),
                        root.resolve("opt/java/bin/java").toString(), "-XX:+UseSerialGC", "-version")
                .redirectErrorStream(true)
                .start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, java.exitValue(), out);
        assertTrue(out.contains("OpenJDK"), out);
    }

    @Test
    void theImagesShellRunsTheEntrypointWhichStartsTheServer(@TempDir Path root) throws Exception {
        extract(root);
        Path workdir = Files.createDirectories(root.resolve("var/lib/braid"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = root.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(
                        root.resolve("bin/sh").toString(), root.resolve("opt/braid/bin/braid-server").toString())
                .directory(workdir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("BRAID_HOME", root.resolve("opt/braid").toString());
        env.put("JAVA_HOME", root.resolve("opt/java").toString());
        env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        env.put("BRAID_ADMIN_KEY", "bk_live_imagetest0123456789abcdef0123");
        env.put("BRAID_JAVA_OPTS", "-Xmx192m");
        Process server = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            int status = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (status != 200 && System.nanoTime() < deadline && server.isAlive()) {
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(250);
                }
            }
            if (status != 200) {
                fail("no 200 from /health (last " + status + "):\n" + Files.readString(log));
            }
            // exec: the shell became the JVM, with the options file's flags and BRAID_JAVA_OPTS after them
            String cmdline = Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).replace('\0', ' ');
            assertTrue(cmdline.startsWith(root.resolve("opt/java/bin/java") + " -XX:+UseSerialGC "), cmdline);
            assertTrue(cmdline.contains(" -XX:+ExitOnOutOfMemoryError "), cmdline);
            assertTrue(cmdline.indexOf("-XX:MaxRAMPercentage") < cmdline.indexOf("-Xmx192m"), cmdline);
            assertTrue(cmdline.endsWith("-jar " + root.resolve("opt/braid/lib/braid-server.jar") + " "), cmdline);

            HttpResponse<String> echo = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/pipelines/echo/invoke"))
                            .header("Authorization", "Bearer bk_live_imagetest0123456789abcdef0123")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"text\":\"from the image\"}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, echo.statusCode(), echo.body());
            assertEquals("from the image", JSON.readTree(echo.body()).path("output").path("text").asText());
            assertTrue(Files.isDirectory(workdir.resolve("data")), "H2's default database lands in the working directory");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static String gunzippedSha(String path) throws IOException {
        try (InputStream in = layer(path)) {
            MessageDigest digest = LayerWriter.sha256();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return "sha256:" + LayerWriter.hex(digest);
        }
    }

    /** A layer's uncompressed tar, read from inside the image tar. */
    private static InputStream layer(String path) throws IOException {
        TarArchiveInputStream outer = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(TAR)));
        TarArchiveEntry entry;
        while ((entry = outer.getNextEntry()) != null) {
            if (entry.getName().equals(path)) {
                return new GZIPInputStream(outer, 1 << 16);
            }
        }
        outer.close();
        throw new IOException("no " + path);
    }

    /** Every layer in the manifest's order into root, as a container runtime would stack them. */
    private static Map<String, TarArchiveEntry> extract(Path root) throws IOException {
        Map<String, TarArchiveEntry> headers = new HashMap<>();
        for (JsonNode descriptor : manifest.path("layers")) {
            String path = OciLayout.blobPath(descriptor.path("digest").asText());
            try (TarArchiveInputStream tar = new TarArchiveInputStream(layer(path))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = entry.getName().replaceAll("/$", "");
                    headers.put(name, entry);
                    Path target = root.resolve(name).normalize();
                    assertTrue(target.startsWith(root), "an entry outside the root: " + name);
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target);
                        if ((entry.getMode() & 0100) != 0) {
                            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                        }
                    }
                }
            }
        }
        return headers;
    }
}
