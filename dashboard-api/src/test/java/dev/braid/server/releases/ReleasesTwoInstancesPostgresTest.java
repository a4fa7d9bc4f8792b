package dev.braid.server.releases;

import static dev.braid.server.releases.ReleaseServer.json;
import static dev.braid.server.releases.ReleaseServer.modelPipeline;
import static dev.braid.server.releases.ReleaseServer.pipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.pipelines.TestDatabase;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Two Braid instances on one PostgreSQL database: a release change made on one is applied by the
 * other within a second (by NOTIFY: the periodic reload is set to 30 s here), one instance evaluates
 * (one {@code auto_rollback} event, not two), the other takes over when the evaluator goes, and a
 * release survives a restart of every instance.
 */
class ReleasesTwoInstancesPostgresTest {

    static final Map<String, Object> SLOW_RELOAD = Map.of("braid.releases.reload-interval", "30s");

    static long waitFor(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(10);
        }
        fail("timed out waiting for " + what);
        return -1;
    }

    @Test
    void bothInstancesApplyChangesWithinASecondAndOneEvaluates() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                ReleaseServer a = ReleaseServer.start(db, SLOW_RELOAD);
                ReleaseServer b = ReleaseServer.start(db, SLOW_RELOAD)) {
            LiveReleases onB = b.bean(LiveReleases.class);
            assertEquals(201, a.deploy(pipeline("two", 1), "").statusCode());
            assertEquals(201, a.deploy(pipeline("two", 2), "").statusCode());

            HttpResponse<String> s = a.post("/api/pipelines/two/releases",
                    "{\"candidate\":2,\"steps\":[30,100],\"stepEvery\":\"1h\"}");
            assertEquals(201, s.statusCode(), s.body());
            long applied = waitFor("B to apply weight 30", 5_000, () -> onB.weight("two") == 30);
            assertTrue(applied < 1_000, "B applied the release in " + applied + " ms");

            HttpResponse<String> aborted = a.post("/api/pipelines/two/releases/current/abort", null);
            assertEquals(200, aborted.statusCode(), aborted.body());
            long back = waitFor("B to drop the release", 5_000, () -> onB.weight("two") == -1);
            assertTrue(back < 1_000, "B applied the abort in " + back + " ms");
            assertEquals(1, json(b.invoke("two", "u")).get("version").asInt());

            // exactly one instance evaluates
            waitFor("an evaluator", 5_000, () -> a.bean(ReleaseGuard.class).evaluating()
                    || b.bean(ReleaseGuard.class).evaluating());
            Thread.sleep(600);
            assertTrue(a.bean(ReleaseGuard.class).evaluating() ^ b.bean(ReleaseGuard.class).evaluating(),
                    "one evaluator, not two");

            // a failing candidate under load on both instances: one auto_rollback event, not two
            assertEquals(201, a.deploy(modelPipeline("two-guard", 1, ""), "").statusCode());
            assertEquals(201, a.deploy(modelPipeline("two-guard", 2, "failWith: 500"), "").statusCode());
            HttpResponse<String> g = b.post("/api/pipelines/two-guard/releases", "{\"candidate\":2,\"steps\":[50],"
                    + "\"stepEvery\":\"1h\",\"sticky\":\"none\",\"guard\":{\"window\":\"1m\",\"minRequests\":20,"
                    + "\"maxErrorRate\":0.1}}");
            assertEquals(201, g.statusCode(), g.body());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger stableFailures = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                ReleaseServer target = c % 2 == 0 ? a : b;
                clients.add(pool.submit(() -> {
                    while (!stop.get()) {
                        HttpResponse<String> r = target.invoke("two-guard", null);
                        if (r.statusCode() != 200 && !"2".equals(r.headers().firstValue("Braid-Pipeline-Version").orElse(""))) {
                            stableFailures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            try {
                waitFor("the automatic rollback", 30_000, () -> {
                    try {
                        return a.get("/api/pipelines/two-guard/releases/current").statusCode() == 404;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            } finally {
                stop.set(true);
                for (Future<?> f : clients) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdown();
            }
            assertEquals(0, stableFailures.get());
            Thread.sleep(1_000); // time for a second evaluator to (wrongly) act
            int events = 0;
            for (JsonNode e : json(a.get("/api/audit?type=auto_rollback")).get("events")) {
                events += "two-guard".equals(e.get("pipeline").asText()) ? 1 : 0;
            }
            assertEquals(1, events, "one auto_rollback event, not two");
        }
    }

    @Test
    void theOtherInstanceTakesOverAndAReleaseSurvivesRestarts() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            ReleaseServer a = ReleaseServer.start(db, Map.of());
            ReleaseServer b = ReleaseServer.start(db, Map.of());
            try {
                assertEquals(201, a.deploy(pipeline("over", 1), "").statusCode());
                assertEquals(201, a.deploy(pipeline("over", 2), "").statusCode());
                assertEquals(201, a.deploy(pipeline("stays", 1), "").statusCode());
                assertEquals(201, a.deploy(pipeline("stays", 2), "").statusCode());
                waitFor("an evaluator", 5_000, () -> a.bean(ReleaseGuard.class).evaluating()
                        || b.bean(ReleaseGuard.class).evaluating());
                ReleaseServer evaluator = a.bean(ReleaseGuard.class).evaluating() ? a : b;
                ReleaseServer other = evaluator == a ? b : a;
                evaluator.close(); // its lock connection goes with it, as with a killed process
                long took = waitFor("the other instance to evaluate", 15_000,
                        () -> other.bean(ReleaseGuard.class).evaluating());
                assertTrue(took < 15_000, "took over in " + took + " ms");
                HttpResponse<String> s = other.post("/api/pipelines/over/releases",
                        "{\"candidate\":2,\"steps\":[50,100],\"stepEvery\":\"300ms\"}");
                assertEquals(201, s.statusCode(), s.body());
                waitFor("the survivor to walk the release to its end", 15_000, () -> {
                    try {
                        return other.get("/api/pipelines/over/releases/current").statusCode() == 404;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals("promoted", json(other.get("/api/pipelines/over/releases")).get("releases").get(0)
                        .get("state").asText());
                HttpResponse<String> kept = other.post("/api/pipelines/stays/releases",
                        "{\"candidate\":2,\"steps\":[100],\"stepEvery\":\"1h\"}");
                assertEquals(201, kept.statusCode(), kept.body());
                other.close();
            } finally {
                a.close();
                b.close();
            }
            // every instance restarted: the release still runs and routes
            try (ReleaseServer c = ReleaseServer.start(db, Map.of())) {
                JsonNode current = json(c.get("/api/pipelines/stays/releases/current"));
                assertEquals("running", current.get("state").asText(), current.toString());
                JsonNode env = json(c.invoke("stays", "u"));
                assertEquals(2, env.get("version").asInt(), "weight 100: on the candidate after the restart");
                assertEquals(current.get("id").asText(), env.get("release").get("id").asText());
            }
        }
    }
}
