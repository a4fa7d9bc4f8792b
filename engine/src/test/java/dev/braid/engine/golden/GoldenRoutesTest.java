package dev.braid.engine.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.braid.engine.compile.CompiledPipeline;
import dev.braid.engine.compile.PipelineCompiler;
import dev.braid.engine.read.PipelineReader;
import dev.braid.engine.spec.PipelineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles every shipped pipeline (and the engine's own valid test pipelines) and compares the Camel
 * YAML DSL it became, plus which binding types each step key carries, with a checked-in file under
 * {@code src/test/resources/golden/}. A restructure of the engine must leave these files
 * byte-identical: it proves the move changed nothing a route does.
 *
 * <p>Regenerate (only when a route is meant to change) with {@code -Dgolden.update=true}.
 */
class GoldenRoutesTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @TestFactory
    Stream<DynamicTest> everyPipelineCompilesToItsGoldenRoutes() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> shipped = Files.list(Path.of("../pipelines"))) {
            shipped.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(sources::add);
        }
        try (Stream<Path> valid = Files.list(Path.of("src/test/resources/dev/braid/engine/read/valid"))) {
            valid.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(sources::add);
        }
        assertFalse(sources.isEmpty(), "no pipelines found");
        boolean update = Boolean.getBoolean("golden.update");
        return sources.stream().map(source -> DynamicTest.dynamicTest(source.toString(), () -> {
            String actual = render(source);
            Path golden = GOLDEN.resolve(source.getParent().getFileName() + "-" + source.getFileName());
            if (update) {
                Files.createDirectories(GOLDEN);
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, golden.toString());
        }));
    }

    /** The Camel YAML, then the step order, then every step key's binding types (sorted by key). */
    private static String render(Path source) throws IOException {
        PipelineSpec spec = new PipelineReader().read(Files.readString(source, StandardCharsets.UTF_8));
        CompiledPipeline compiled = new PipelineCompiler().compile(spec, 1);
        StringBuilder sb = new StringBuilder(compiled.camelYaml());
        if (!compiled.camelYaml().endsWith("\n")) {
            sb.append('\n');
        }
        sb.append("# stepOrder: ").append(compiled.stepOrder()).append('\n');
        Map<String, List<Object>> sorted = new TreeMap<>(compiled.bindings());
        sorted.forEach((key, bindings) -> sb.append("# ").append(key).append(": ")
                .append(bindings.stream().map(b -> b.getClass().getSimpleName()).toList()).append('\n'));
        return sb.toString();
    }
}
