package dev.braid.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the image as an OCI image layout in one tar: {@code oci-layout}, {@code index.json}, the
 * manifest, config and layer blobs under {@code blobs/sha256/}, plus Docker's {@code manifest.json}
 * so that {@code docker load} of older Docker versions (before OCI layout support) takes it too.
 */
final class OciLayout {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the image runs as: its process, user and environment (the config's "config" object). */
    record RunConfig(
            String user,
            List<String> entrypoint,
            List<String> env,
            String workingDir,
            List<String> exposedPorts,
            Map<String, String> labels) {}

    /** The written image: the tar and the digests a registry would show. */
    record Image(Path tar, String manifestDigest, String configDigest, List<Layer> layers) {}

    private OciLayout() {}

    static Image write(Path tar, String name, String architecture, RunConfig run, List<Layer> layers) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "1970-01-01T00:00:00Z");
        config.put("architecture", architecture);
        config.put("os", "linux");
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("User", run.user());
        process.put("Entrypoint", run.entrypoint());
        process.put("Env", run.env());
        process.put("WorkingDir", run.workingDir());
        Map<String, Object> ports = new LinkedHashMap<>();
        run.exposedPorts().forEach(p -> ports.put(p, Map.of()));
        process.put("ExposedPorts", ports);
        process.put("Labels", run.labels());
        process.put("StopSignal", "SIGTERM");
        config.put("config", process);
        config.put("rootfs", new java.util.TreeMap<>(Map.of("diff_ids", layers.stream().map(Layer::diffId).toList(), "type", "layers")));
        List<Map<String, Object>> history = new ArrayList<>();
        for (Layer layer : layers) {
            history.add(new java.util.TreeMap<>(
                    Map.of("created", "1970-01-01T00:00:00Z", "created_by", "braid-image: " + layer.name())));
        }
        config.put("history", history);
        byte[] configJson = json(config);
        String configDigest = digest(configJson);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.put("config", descriptor(CONFIG_TYPE, configDigest, configJson.length, null));
        manifest.put(
                "layers",
                layers.stream()
                        .map(l -> descriptor(LAYER_TYPE, l.digest(), l.size(), null))
                        .toList());
        manifest.put("annotations", new java.util.TreeMap<>(Map.of("org.opencontainers.image.title", "braid")));
        byte[] manifestJson = json(manifest);
        String manifestDigest = digest(manifestJson);

        String tag = name.contains(":") ? name.substring(name.lastIndexOf(':') + 1) : "latest";
        Map<String, String> refAnnotations = new LinkedHashMap<>();
        refAnnotations.put("io.containerd.image.name", name);
        refAnnotations.put("org.opencontainers.image.ref.name", tag);
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.put("manifests", List.of(descriptor(MANIFEST_TYPE, manifestDigest, manifestJson.length, refAnnotations)));

        Map<String, Object> dockerManifest = new LinkedHashMap<>();
        dockerManifest.put("Config", blobPath(configDigest));
        dockerManifest.put("RepoTags", List.of(name));
        dockerManifest.put("Layers", layers.stream().map(l -> blobPath(l.digest())).toList());

        try (OutputStream file = Files.newOutputStream(tar);
                TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            put(out, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            put(out, "index.json", json(index));
            put(out, "manifest.json", json(List.of(dockerManifest)));
            directory(out, "blobs/");
            directory(out, "blobs/sha256/");
            put(out, blobPath(manifestDigest), manifestJson);
            put(out, blobPath(configDigest), configJson);
            for (Layer layer : layers) {
                TarArchiveEntry entry = new TarArchiveEntry(blobPath(layer.digest()));
                entry.setSize(layer.size());
                entry.setModTime(0);
                out.putArchiveEntry(entry);
                Files.copy(layer.blob(), out);
                out.closeArchiveEntry();
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tar, e);
        }
        return new Image(tar, manifestDigest, configDigest, layers);
    }

    static String blobPath(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static Map<String, Object> descriptor(String type, String digest, long size, Map<String, String> annotations) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", type);
        d.put("digest", digest);
        d.put("size", size);
        if (annotations != null) {
            d.put("annotations", annotations);
        }
        return d;
    }

    private static void put(TarArchiveOutputStream out, String path, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(path);
        entry.setSize(content.length);
        entry.setModTime(0);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream out, String path) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(path);
        entry.setModTime(0);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }

    private static String digest(byte[] content) {
        MessageDigest sha = LayerWriter.sha256();
        sha.update(content);
        return "sha256:" + LayerWriter.hex(sha);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
