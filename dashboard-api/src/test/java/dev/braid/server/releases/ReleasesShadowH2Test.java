package dev.braid.server.releases;

import static dev.braid.server.releases.ReleaseServer.json;
import static dev.braid.server.releases.ReleaseServer.pipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braid.server.pipelines.TestDatabase;
import dev.braid.server.usage.UsageRecorder;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Shadow releases over real HTTP: the caller's latency does not grow with a 100 ms candidate run on
 * every call, answers stay the stable version's, shadow runs are recorded with {@code shadow: true},
 * and the match rate tells a candidate that answers differently from one that answers the same.
 */
class ReleasesShadowH2Test {

    /** Candidate: a mock model answering after 100 ms, then an output unlike v1's. */
    static String slowCandidate(String name) {
        return """
                apiVersion: braid/v1
                kind: Pipeline
                name: %s
                steps:
                  - id: ask
                    model:
                      task: chat
                      targets: [{ provider: mock, model: slow, delay: 100ms }]
                      prompt: { user: "hello" }
                  - id: out
                    transform: { jsonata: '{"v": 2, "text": "v2"}' }
                """.formatted(name);
    }

    static long p50(ReleaseServer server, String name, int calls, boolean expectRelease) throws Exception {
        long[] ms = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = server.invoke(name, null);
            ms[i] = (System.nanoTime() - t) / 1_000_000;
            assertEquals(200, r.statusCode(), r.body());
            JsonNode env = json(r);
            assertEquals(1, env.get("output").get("v").asInt(), "the caller always gets the stable answer");
            assertEquals(expectRelease, env.has("release"), r.body());
        }
        Arrays.sort(ms);
        return ms[calls / 2];
    }

    @Test
    void shadowRunsNeverDelayTheAnswerAndReportTheirMatchRate() throws Exception {
        try (TestDatabase db = TestDatabase.h2(); ReleaseServer server = ReleaseServer.start(db, Map.of())) {
            String name = "shadowed";
            assertEquals(201, server.deploy(pipeline(name, 1), "").statusCode());
            assertEquals(201, server.deploy(slowCandidate(name), "").statusCode());
            p50(server, name, 50, false); // warm up
            long before = p50(server, name, 200, false);

            HttpResponse<String> s = server.post("/api/pipelines/" + name + "/releases",
                    "{\"candidate\":2,\"shadow\":100}");
            assertEquals(201, s.statusCode(), s.body());
            assertEquals(0, json(s).get("weight").asInt(), "a shadow-only release sends no answer to the candidate");
            long during = p50(server, name, 200, true);
            System.out.println("shadow p50: without " + before + " ms, with " + during + " ms");
            assertTrue(during < before + 25 && during < 100,
                    "p50 without shadow " + before + " ms, with a 100 ms shadow on every call " + during + " ms");

            UsageRecorder recorder = server.bean(UsageRecorder.class);
            long deadline = System.currentTimeMillis() + 20_000;
            JsonNode shadow;
            do {
                Thread.sleep(200);
                recorder.awaitWritten(Duration.ofSeconds(5));
                shadow = json(server.get("/api/pipelines/" + name + "/releases/current")).get("shadow");
            } while (shadow.get("requests").asLong() < 200 && System.currentTimeMillis() < deadline);
            assertEquals(200, shadow.get("requests").asLong(), shadow.toString());
            assertEquals(0, shadow.get("errors").asLong(), shadow.toString());
            assertEquals(0.0, shadow.get("matchRate").asDouble(), "v2 answers differently: " + shadow);
            assertEquals(200, shadowRows(server, name, 2), "request rows with shadow: true, on the candidate");

            assertEquals(200, server.post("/api/pipelines/" + name + "/releases/current/abort", null).statusCode());
            // v3 answers exactly as v1 does: every shadow answer matches
            assertEquals(201, server.deploy(pipeline(name, 1) + "# same answer, new version\n", "").statusCode());
            assertEquals(201, server.post("/api/pipelines/" + name + "/releases", "{\"candidate\":3,\"shadow\":100}")
                    .statusCode());
            p50(server, name, 20, true);
            deadline = System.currentTimeMillis() + 20_000;
            do {
                Thread.sleep(200);
                recorder.awaitWritten(Duration.ofSeconds(5));
                shadow = json(server.get("/api/pipelines/" + name + "/releases/current")).get("shadow");
            } while (shadow.get("requests").asLong() < 20 && System.currentTimeMillis() < deadline);
            assertEquals(20, shadow.get("requests").asLong(), shadow.toString());
            assertEquals(1.0, shadow.get("matchRate").asDouble(), shadow.toString());
            JsonNode arms = json(server.get("/api/pipelines/" + name + "/releases/current")).get("arms");
            assertEquals(0, arms.get("candidate").get("requests").asLong(), "shadow runs are not candidate answers");
            assertFalse(arms.get("stable").get("requests").asLong() < 20, arms.toString());
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            fail(e);
        }
    }

    static int shadowRows(ReleaseServer server, String pipeline, int version) throws Exception {
        DataSource ds = DelegatingDataSource.unwrapDataSource(server.bean(DataSource.class));
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM usage_records WHERE pipeline = ?"
                        + " AND version = ? AND kind = 'request' AND shadow = TRUE")) {
            ps.setString(1, pipeline);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
