package dev.braid.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Reads the shipped pipelines the way the server does: through the packaged index. */
final class ShippedPipelines {

    private ShippedPipelines() {}

    static List<String> fileNames() {
        return Arrays.stream(resource("braid/pipelines/index.txt").split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .sorted()
                .toList();
    }

    static String yaml(String fileName) {
        return resource("braid/pipelines/" + fileName);
    }

    private static String resource(String name) {
        try (InputStream in = ShippedPipelines.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
