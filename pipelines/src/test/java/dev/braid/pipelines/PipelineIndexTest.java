package dev.braid.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The server finds shipped pipelines through index.txt; it must list exactly the *.yaml files here. */
class PipelineIndexTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void indexListsExactlyTheYamlFilesOfThisFolder() throws IOException {
        List<String> onDisk;
        try (Stream<Path> files = Files.list(MODULE)) {
            onDisk = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
        assertEquals(onDisk, ShippedPipelines.fileNames(), "pipelines/index.txt is out of step with pipelines/*.yaml");
        assertEquals(List.of("assistant.yaml", "customer-feedback.yaml", "customer-lookup.yaml", "echo.yaml", "summarize-and-classify.yaml"), onDisk);
    }

    @Test
    void everyListedFileIsPackagedUnderBraidPipelinesAndNamedAfterItsPipeline() throws IOException {
        for (String file : ShippedPipelines.fileNames()) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("braid/pipelines/" + file)) {
                assertNotNull(in, file + " is not on the classpath under braid/pipelines/");
                Object doc = new Load(LoadSettings.builder().build())
                        .loadFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(file.replace(".yaml", ""), ((Map<?, ?>) doc).get("name"), "name: in " + file);
            }
        }
    }
}
