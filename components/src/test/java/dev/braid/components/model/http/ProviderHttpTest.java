package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.components.model.http.WireServer.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProviderHttpTest {

    private final WireServer server = WireServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void cancellingTheCallStopsReadingTheStream() throws Exception {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            chunks.add("line " + i + "\n");
        }
        server.reply(new Reply(200, Map.of("content-type", "text/plain"), chunks, 0, 50, 0));
        ProviderHttp http = new ProviderHttp("p", HttpLimits.DEFAULTS, List.of());
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<Integer> call = http.postStream(URI.create(server.baseUrl() + "/s"), Map.of(),
                ProviderJson.object(), HttpLimits.DEFAULTS, "m", new LineSink<>() {
                    @Override
                    public void line(String line) {
                        seen.add(line);
                        first.countDown();
                    }

                    @Override
                    public Integer end() {
                        return seen.size();
                    }
                });
        assertTrue(first.await(5, TimeUnit.SECONDS));
        call.cancel(true);
        int atCancel = seen.size();
        Thread.sleep(400);
        assertTrue(seen.size() <= atCancel + 1, "kept reading after cancel: " + seen.size());
    }

    @Test
    void callbacksRunOnNamedDaemonThreads() throws Exception {
        // a slow answer: the callback is attached before the call completes, so it runs on the completing thread
        server.reply(Reply.json(200, "{}").delayedBy(300));
        ProviderHttp http = new ProviderHttp("p", HttpLimits.DEFAULTS, List.of());
        String thread = http.postJson(URI.create(server.baseUrl() + "/j"), Map.of(), ProviderJson.object(),
                        HttpLimits.DEFAULTS, "m")
                .thenApply(n -> Thread.currentThread().getName() + "/" + Thread.currentThread().isDaemon())
                .get(5, TimeUnit.SECONDS);
        assertTrue(thread.matches("braid-http-\\d+/true"), thread);
    }

    @Test
    void aKeyTheJdkRefusesAsAHeaderIsNeverQuoted() {
        ProviderHttp http = new ProviderHttp("p", HttpLimits.DEFAULTS, List.of("sk-test-SECRET\n"));
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> http.postJson(URI.create(server.baseUrl() + "/j"),
                        Map.of("authorization", "Bearer sk-test-SECRET\n"), ProviderJson.object(), HttpLimits.DEFAULTS, "m")
                        .get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("misconfigured"), e.getCause().getMessage());
        assertTrue(!e.getCause().getMessage().contains("SECRET"));
        assertTrue(server.requests().isEmpty());
    }

    @Test
    void perTargetLimitsParseDurations() {
        HttpLimits l = HttpLimits.DEFAULTS.forTarget(new dev.braid.components.model.api.Target("p", "m",
                Map.of(HttpLimits.FIRST_BYTE_TIMEOUT_OPTION, "2s", HttpLimits.TOTAL_TIMEOUT_OPTION, "1m")));
        assertEquals(Duration.ofSeconds(2), l.firstByteTimeout());
        assertEquals(Duration.ofMinutes(1), l.totalTimeout());
    }
}
