package dev.braid.server.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A database writer that hangs does not slow requests: the queue fills, further records are
 * dropped and counted ({@code braid_usage_dropped_total}), and what was queued is written once the
 * writer recovers.
 */
class SlowUsageSinkTest {

    /** Blocks every write until released: a database that stopped answering. */
    @Singleton
    @Replaces(JdbcUsageSink.class)
    @Requires(property = "braid.test.slow-usage-sink", value = "true")
    static class StuckSink implements UsageSink {

        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger written = new AtomicInteger();

        @Override
        public void write(List<UsageRecord> batch) throws Exception {
            release.await(60, TimeUnit.SECONDS);
            written.addAndGet(batch.size());
        }
    }

    @Test
    void aStuckWriterNeverBlocksRequestsAndOverflowIsCountedAsDropped() throws Exception {
        Map<String, Object> p = Map.of(
                "micronaut.server.port", -1,
                "braid.test.slow-usage-sink", true,
                "braid.usage.queue-capacity", 5,
                "braid.usage.batch-size", 2,
                "braid.usage.flush-interval", "10ms");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p, "test")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            UsageRecorder recorder = server.getApplicationContext().getBean(UsageRecorder.class);
            StuckSink sink = (StuckSink) server.getApplicationContext().getBean(UsageSink.class);
            int requests = 30;
            long slowest = 0;
            for (int i = 0; i < requests; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                URI.create(server.getURL() + "/v1/pipelines/echo/invoke"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"input\":{\"n\":" + i + "}}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                assertEquals(200, r.statusCode(), r.body());
            }
            // each request makes 2 rows (request + its one step): 60 rows; the writer holds one batch
            // of at most 2, the queue 5, the rest is dropped
            long produced = 2L * requests;
            assertTrue(slowest < 2_000, "a request waited on the stuck writer: " + slowest + " ms");
            assertEquals(5, recorder.depth());
            assertTrue(recorder.dropped() >= produced - 5 - 2, "dropped " + recorder.dropped());
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/prometheus"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("braid_usage_dropped_total " + (double) recorder.dropped()),
                    UsageCaptureTest.grep(metrics.body(), "braid_usage"));
            assertTrue(metrics.body().contains("braid_usage_queue_depth 5.0"));

            sink.release.countDown();
            assertTrue(recorder.awaitWritten(Duration.ofSeconds(10)));
            assertEquals(produced, sink.written.get() + recorder.dropped(), "every record written or counted as dropped");
            assertEquals(0, recorder.depth());
        }
    }
}
