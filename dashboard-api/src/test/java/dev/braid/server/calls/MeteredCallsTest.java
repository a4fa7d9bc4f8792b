package dev.braid.server.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.api.Message;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.api.Target;
import dev.braid.engine.runtime.InvocationResult;
import dev.braid.server.http.ProblemException;
import dev.braid.server.limits.KeyQuota;
import dev.braid.server.usage.UsageRecorder;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A paid call made with plain values only, as a batch worker or a new front door would: no HTTP
 * request anywhere, yet it runs, is recorded under its caller's request and key ids, and a budget
 * refuses it before anything runs.
 */
@MicronautTest
class MeteredCallsTest {

    @Inject
    MeteredCalls calls;

    @Inject
    UsageRecorder recorder;

    @Inject
    DataSource dataSource;

    @Test
    void aCallWithoutAnHttpRequestRunsAndIsRecordedUnderItsCaller() throws Exception {
        String id = "req-metered-" + UUID.randomUUID();
        Caller caller = new Caller(id, "key_worker", null, Map.of());
        InvocationResult result = calls.invoke(caller, Source.INVOKE, "customer-feedback", null,
                Map.of("text", "The lamp arrived cracked."), 64).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals("customer-feedback", result.pipeline());

        List<String> rows = rows(id);
        assertTrue(rows.size() > 1, "a request row and its steps: " + rows);
        assertEquals("request invoke key_worker ok", rows.get(0));
        for (String step : rows.subList(1, rows.size())) {
            assertTrue(step.startsWith("step invoke key_worker "), step);
        }
    }

    @Test
    void aSpentBudgetRefusesTheCallBeforeItRunsAndRecordsNothing() throws Exception {
        String id = "req-refused-" + UUID.randomUUID();
        Caller broke = new Caller(id, "key_broke", new KeyQuota("key_broke", null, null, BigDecimal.ZERO), Map.of());
        RoutingPolicy priced = RoutingPolicy.single(Target.of("openai", "gpt-4o-mini"));

        ExecutionException refused = assertThrows(ExecutionException.class, () -> calls.chat(broke, Source.CHAT,
                "openai/gpt-4o-mini", priced, ModelRequest.chat(List.of(Message.user("hi"))), 100)
                .toCompletableFuture().get(30, TimeUnit.SECONDS));
        ProblemException problem = assertInstanceOf(ProblemException.class, refused.getCause());
        assertEquals(429, problem.problem().status());
        assertEquals("budget_exceeded", problem.problem().code());
        assertTrue(rows(id).isEmpty(), "a refused call writes no usage");
    }

    /** {@code kind source key status} of the rows written for one request id, request row first. */
    private List<String> rows(String requestId) throws Exception {
        assertTrue(recorder.awaitWritten(Duration.ofSeconds(10)), "the writer caught up");
        List<String> rows = new ArrayList<>();
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT kind, source, key_id, status FROM usage_records WHERE request_id = ? ORDER BY kind, id")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
                }
            }
        }
        return rows;
    }
}
