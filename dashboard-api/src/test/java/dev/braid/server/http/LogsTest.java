package dev.braid.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The request id reaches log lines written for a request, on any thread; the JSON format is JSON. */
class LogsTest {

    @Test
    void aLineLoggedWhileServingARequestCarriesItsId() throws Exception {
        Logger errors = (Logger) LoggerFactory.getLogger("dev.braid.server.http.ErrorResponses");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        errors.addAppender(captured);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                Map.of("micronaut.server.port", -1, "braid.pipelines.shipped", false), "test")) {
            HttpClient client = HttpClient.newHttpClient();
            // fails on a pool thread, not the event loop that ran the filters
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/test/failures/async"))
                    .header("X-Request-Id", "req-log-check-1").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
        } finally {
            errors.detachAppender(captured);
        }
        ILoggingEvent event = captured.list.stream()
                .filter(e -> e.getFormattedMessage().contains("req-log-check-1")).findFirst().orElseThrow();
        assertEquals("req-log-check-1", event.getMDCPropertyMap().get(RequestLogContext.MDC_KEY));
    }

    @Test
    void jsonFormatPrintsOneObjectPerLineWithTheRequestId() throws Exception {
        LoggerContext context = new LoggerContext();
        context.putProperty("BRAID_LOG_FORMAT", "json"); // as the environment variable would
        context.setMDCAdapter(MDC.getMDCAdapter());
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(Path.of("src/main/resources/logback.xml").toFile());
            MDC.put(RequestLogContext.MDC_KEY, "req-json-1");
            context.getLogger("dev.braid.test").info("deployed {} version {}", "echo", 2);
        } finally {
            MDC.remove(RequestLogContext.MDC_KEY);
            System.setOut(original);
            context.stop();
        }
        String line = out.toString(StandardCharsets.UTF_8).trim();
        assertFalse(line.contains("\n"), line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("INFO", json.get("level").asText());
        assertEquals("dev.braid.test", json.get("loggerName").asText());
        assertEquals("deployed echo version 2", json.get("formattedMessage").asText());
        assertEquals("req-json-1", json.get("mdc").get("requestId").asText());
        assertTrue(json.has("timestamp"));
    }
}
