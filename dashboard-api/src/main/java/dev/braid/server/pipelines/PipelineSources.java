package dev.braid.server.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads pipeline files: the shipped ones from the classpath, listed in {@code braid/pipelines/index.txt}
 * (listing a jar's directory is not portable across IDE class folders and shaded jars, so the
 * braid-pipelines module ships an index that its own test keeps in step with the folder), and
 * any {@code *.yaml} in a directory.
 */
public final class PipelineSources {

    public static final String SHIPPED_ROOT = "braid/pipelines/";
    public static final String SHIPPED_INDEX = SHIPPED_ROOT + "index.txt";

    private PipelineSources() {}

    public static List<PipelineSource> shipped(ClassLoader loader) {
        List<PipelineSource> sources = new ArrayList<>();
        String index = resource(loader, SHIPPED_INDEX);
        if (index == null) {
            return sources;
        }
        for (String line : index.split("\n")) {
            String file = line.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            String yaml = resource(loader, SHIPPED_ROOT + file);
            if (yaml == null) {
                throw new IllegalStateException(SHIPPED_INDEX + " lists " + file + " but it is not on the classpath");
            }
            sources.add(new PipelineSource("classpath:" + SHIPPED_ROOT + file, yaml));
        }
        return sources;
    }

    /** The directory's {@code *.yaml} files in name order; a missing directory is an error. */
    public static List<PipelineSource> directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("braid.pipelines.dir is not a directory: " + dir.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<PipelineSource> sources = new ArrayList<>();
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList()) {
                sources.add(new PipelineSource(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
            }
            return sources;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read braid.pipelines.dir " + dir, e);
        }
    }

    private static String resource(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + name, e);
        }
    }
}
