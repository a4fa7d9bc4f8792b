package dev.braid.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connection, below HTTP's semantics: what a client that aborts, announces a huge body or
 * closes after one request sees, and what the server logs about it. Issue 13, items 11, 16, 18.
 */
class ConnectionEdgeTest {

    static EdgeServer edge;

    @BeforeAll
    static void start() {
        edge = EdgeServer.start(null, Map.of());
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    static String head(String method, String path, long contentLength, String... headers) {
        StringBuilder s = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + EdgeServer.ADMIN + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    @Test
    void anAbortedUploadLogsOneQuietLineNotAStackTrace() throws Exception {
        edge.clearLogs();
        List<String> paths = List.of("/v1/chat/completions", "/v1/pipelines/chat-echo/invoke", "/api/keys", "/v1/embeddings",
                "/api/pipelines");
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket("127.0.0.1", edge.port())) {
                OutputStream out = s.getOutputStream();
                out.write(head("POST", paths.get(i % paths.size()), 100_000).getBytes(StandardCharsets.US_ASCII));
                out.write(("{\"model\":\"mock/x\",\"messages\":[" + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(20); // the request is routed and its body is being read
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0); // half of them reset, half close politely
                }
            }
        }
        Thread.sleep(1500);
        List<ILoggingEvent> events = edge.logEvents();
        long errors = events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).count();
        long traces = events.stream().filter(e -> e.getThrowableProxy() != null).count();
        long stackLines = events.stream().filter(e -> e.getThrowableProxy() != null)
                .mapToLong(e -> 1 + e.getThrowableProxy().getStackTraceElementProxyArray().length).sum();
        System.out.printf("item 11: 50 aborted uploads logged %d events, %d ERROR, %d with a stack trace (%d stack lines)%n",
                events.size(), errors, traces, stackLines);
        assertEquals(0, errors, EdgeServer.describe(events));
        assertEquals(0, traces, EdgeServer.describe(events));
        assertTrue(events.size() <= 50, events.size() + " events:\n" + EdgeServer.describe(events));
        // the server still serves
        assertEquals(200, edge.admin("GET", "/api/keys", null).statusCode());
    }

    @Test
    void expectContinueWithABodyOverTheLimitGets413WithoutContinue() throws Exception {
        String answer = edge.raw(head("POST", "/v1/chat/completions", 20L * 1024 * 1024, "Expect: 100-continue")
                .getBytes(StandardCharsets.US_ASCII));
        System.out.println("item 16: first line " + answer.lines().findFirst().orElse("(nothing)"));
        assertFalse(answer.contains("100 Continue"), answer);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("request_too_large"), answer);

        // a body within the limit is still invited and served
        byte[] body = "{\"model\":\"mock/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", edge.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(head("POST", "/v1/chat/completions", body.length, "Expect: 100-continue", "Connection: close")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] first = new byte[25];
            int n = in.read(first);
            assertTrue(new String(first, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 100"), new String(first, 0, n));
            out.write(body);
            out.flush();
            String rest = EdgeServer.readAll(in);
            assertTrue(rest.contains("HTTP/1.1 200"), rest);
        }
    }

    @Test
    void anEarly413ReachesAClientThatSendsConnectionCloseAndKeepsWriting() throws Exception {
        int got = 0;
        List<String> outcomes = new ArrayList<>();
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        for (int round = 0; round < 5; round++) {
            long length = 5L * 1024 * 1024;
            try (Socket s = new Socket("127.0.0.1", edge.port())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                String outcome;
                try {
                    out.write(head("POST", "/v1/chat/completions", length, "Connection: close").getBytes(StandardCharsets.US_ASCII));
                    for (long sent = 0; sent < length; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, length - sent));
                    }
                    out.flush();
                    String answer = EdgeServer.readAll(s.getInputStream());
                    outcome = answer.isEmpty() ? "(nothing)" : answer.lines().findFirst().orElse("");
                    if (answer.startsWith("HTTP/1.1 413") && answer.contains("request_too_large")) {
                        got++;
                    }
                } catch (IOException e) {
                    outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                outcomes.add(outcome);
            }
        }
        System.out.printf("item 18: %d of 5 Connection: close clients read the 413 %s%n", got, outcomes);
        assertEquals(5, got, outcomes.toString());
    }
}
