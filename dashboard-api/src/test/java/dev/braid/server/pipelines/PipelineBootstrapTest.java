package dev.braid.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.braid.components.model.local.LocalProvider;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.engine.runtime.InvokeOptions;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.engine.runtime.RuntimeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Which pipelines start: shipped ones, a configured directory's, and what happens to a bad file. */
class PipelineBootstrapTest {

    @TempDir
    Path dir;

    private ScheduledExecutorService scheduler;
    private PipelineRuntime runtime;

    @BeforeEach
    void runtime() throws Exception {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        runtime = new PipelineRuntime(new RuntimeSettings(
                List.of(new MockProvider(scheduler), new LocalProvider()), Set.of("log"), Duration.ofSeconds(1)));
        Files.writeString(dir.resolve("echo.yaml"), """
                apiVersion: braid/v1
                kind: Pipeline
                name: echo
                description: replaces the shipped echo
                steps:
                  - id: echo
                    transform: { jsonata: '{"from": "dir"}' }
                """);
        Files.writeString(dir.resolve("extra.yaml"), """
                apiVersion: braid/v1
                kind: Pipeline
                name: extra
                steps:
                  - id: same
                    transform: { jsonata: "input" }
                """);
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: braid/v1
                kind: Pipeline
                name: bad
                steps:
                  - id: oops
                    transfrom: { jsonata: "input" }
                """);
        Files.writeString(dir.resolve("notes.txt"), "not a pipeline");
    }

    @AfterEach
    void close() {
        runtime.close();
        scheduler.shutdownNow();
    }

    @Test
    void aDirectoryPipelineReplacesTheShippedOneOfTheSameName() throws Exception {
        List<String> deployed = new PipelineBootstrap(runtime, new PipelinesConfiguration(true, dir)).deployAll();
        assertTrue(deployed.containsAll(List.of("echo", "summarize-and-classify", "extra")), deployed.toString());
        assertFalse(deployed.contains("bad"), deployed.toString());
        Object output = runtime.invoke("echo", Map.of("text", "x"), InvokeOptions.DEFAULTS)
                .toCompletableFuture().get(10, TimeUnit.SECONDS).output();
        assertEquals(Map.of("from", "dir"), output);
    }

    @Test
    void withoutShippedPipelinesOnlyTheDirectoryIsDeployedAndABadFileIsSkipped() {
        List<String> deployed = new PipelineBootstrap(runtime, new PipelinesConfiguration(false, dir)).deployAll();
        assertEquals(List.of("echo", "extra"), deployed.stream().sorted().toList());
        assertEquals(Set.of("echo", "extra"), runtime.pipelineNames());
        assertEquals(1, runtime.activeVersion("extra").getAsInt());
    }

    @Test
    void aPipelineThatFailsIsLoggedWithItsNameLineColumnAndMessage() {
        Logger logger = (Logger) LoggerFactory.getLogger(PipelineBootstrap.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            new PipelineBootstrap(runtime, new PipelinesConfiguration(false, dir)).deployAll();
        } finally {
            logger.detachAppender(appender);
        }
        List<String> errors = appender.list.stream()
                .filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertEquals(1, errors.size(), errors.toString());
        String line = errors.get(0);
        assertTrue(line.startsWith("Pipeline bad ("), line);
        assertTrue(line.contains("bad.yaml"), line);
        assertTrue(line.contains("line 6, column 5, steps[0].transfrom: unknown key 'transfrom'"), line);
    }

    @Test
    void aShippedPipelineThatNeedsTheEnrichAllowlistIsSkippedWithOneInfoLineNotAnError() {
        // the server's SSRF rules with the default (empty) allowlist: every loopback target is refused
        PipelineRuntime strict = new PipelineRuntime(new RuntimeSettings(
                List.of(new MockProvider(scheduler), new LocalProvider()), Set.of("log"), Duration.ofSeconds(1),
                url -> "127.0.0.1".equals(url.getHost()) ? java.util.Optional.of("'127.0.0.1' is loopback")
                        : java.util.Optional.empty()));
        Logger logger = (Logger) LoggerFactory.getLogger(PipelineBootstrap.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        List<String> deployed;
        try {
            deployed = new PipelineBootstrap(strict, new PipelinesConfiguration(true, null)).deployAll();
        } finally {
            logger.detachAppender(appender);
            strict.close();
        }
        assertFalse(deployed.contains("customer-lookup"), deployed.toString());
        assertTrue(deployed.containsAll(List.of("echo", "customer-feedback", "assistant")), deployed.toString());
        assertEquals(List.of(), appender.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).toList(), "a fresh start with the defaults logs no error");
        List<String> info = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("customer-lookup")).toList();
        assertEquals(1, info.size(), info.toString());
        assertTrue(info.get(0).contains("BRAID_ENRICH_ALLOWED_HOSTS"), info.get(0));
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        var bootstrap = new PipelineBootstrap(runtime, new PipelinesConfiguration(false, dir.resolve("absent")));
        IllegalStateException error = assertThrows(IllegalStateException.class, bootstrap::deployAll);
        assertTrue(error.getMessage().contains("braid.pipelines.dir"), error.getMessage());
    }
}
