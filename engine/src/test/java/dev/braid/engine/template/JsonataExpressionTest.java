package dev.braid.engine.template;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JsonataExpressionTest {

    @Test
    void oneParsedExpressionServesManyThreadsAtOnce() throws Exception {
        // the runtime parses each expression once per version and evaluates it from any thread
        JsonataExpression sum = JsonataExpression.parse("$sum(input.items.(price * qty)) & '/' & input.tag");
        JsonataExpression upper = JsonataExpression.parse("{ 'u': $uppercase(input.tag), 'n': $count(input.items) }");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        int n = thread * 1000 + i;
                        Map<String, Object> root = Map.of("input", Map.of(
                                "tag", "t" + n,
                                "items", List.of(Map.of("price", n, "qty", 2), Map.of("price", 1, "qty", 1))));
                        assertEquals((2L * n + 1) + "/t" + n, String.valueOf(sum.evaluate(root)));
                        Map<?, ?> u = (Map<?, ?>) upper.evaluate(root);
                        assertEquals("T" + n, u.get("u"));
                        assertEquals(2, ((Number) u.get("n")).intValue());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void conditionsUseJsonataTruthinessAndNullsArePlain() {
        Map<String, Object> root = Map.of("input", Map.of("image", "x"));
        assertTrue(JsonataExpression.parse("$exists(input.image)").test(root));
        assertFalse(JsonataExpression.parse("$exists(input.nothing)").test(root));
        assertFalse(JsonataExpression.parse("input.nothing").test(root));
        assertNull(JsonataExpression.parse("null").evaluate(root));
        assertThrows(IllegalArgumentException.class, () -> JsonataExpression.parse("{ 'a': "));
    }

    @Test
    void numbersAsJacksonParsesThemWork() throws Exception {
        Object input = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                "{\"a\": 5, \"b\": 1.5, \"big\": 12345678901234, \"list\": [1, 2, 3]}", Object.class);
        Map<String, Object> root = new java.util.HashMap<>();
        root.put("input", input);
        assertEquals(6.5, ((Number) JsonataExpression.parse("input.a + input.b").evaluate(root)).doubleValue(), 1e-9);
        assertEquals(12345678901235L, ((Number) JsonataExpression.parse("input.big + 1").evaluate(root)).longValue());
        assertEquals(6, ((Number) JsonataExpression.parse("$sum(input.list)").evaluate(root)).intValue());
    }
}
