package dev.braid.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * A blocking client of Braid's HTTP API (a CLI has nothing better to do while it waits). Every failure
 * to get an answer becomes a {@link CliFailure} with {@link Exit#UNAVAILABLE}.
 */
public final class ApiClient {

    private final URI server;
    private final String key;
    private final Duration timeout;
    private final HttpClient http;

    public ApiClient(URI server, String key, Duration timeout) {
        this.server = server;
        this.key = key == null || key.isBlank() ? null : key;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI server() {
        return server;
    }

    public ApiResponse get(String path, Map<String, String> query, String accept) {
        return send(request(path, query).header("Accept", accept).GET());
    }

    public ApiResponse post(String path, Map<String, String> query, String contentType, String body) {
        return send(request(path, query)
                .header("Accept", "application/json")
                .header("Content-Type", contentType + "; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public ApiResponse delete(String path) {
        return send(request(path, Map.of()).header("Accept", "application/json").DELETE());
    }

    /**
     * POSTs JSON and asks for Server-Sent Events. While the answer is an event stream, each event goes
     * to {@code onEvent} as soon as its blank line arrives (nothing waits for the end), and the
     * returned response has an empty body. Any other answer (an error before the stream opened, or a
     * server that does not stream) is read whole and returned as it is.
     */
    public ApiResponse postForEvents(String path, String jsonBody, Consumer<ServerEvent> onEvent) {
        HttpRequest request = request(path, Map.of())
                .header("Accept", "text/event-stream")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String type = response.headers().firstValue("Content-Type").orElse("");
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2 || !type.startsWith("text/event-stream")) {
                    return new ApiResponse(response.statusCode(), type,
                            new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
                ServerEvent.read(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)), onEvent);
                return new ApiResponse(response.statusCode(), type, "");
            }
        } catch (IOException | InterruptedException e) {
            throw failure(e);
        }
    }

    /** Builds a query map in argument order, dropping null values: {@code query("a", 1, "b", null)}. */
    public static Map<String, String> query(Object... pairs) {
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                query.put(pairs[i].toString(), pairs[i + 1].toString());
            }
        }
        return query;
    }

    /** One path segment, percent-encoded (a pipeline name is plain, but a typo should not change the path). */
    public static String segment(String value) {
        return encode(value);
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> q.add(encode(k) + "=" + encode(v)));
        String base = server.toString().replaceAll("/+$", "");
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path + q)).timeout(timeout);
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private ApiResponse send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String type = response.headers().firstValue("Content-Type").orElse("");
            return new ApiResponse(response.statusCode(), type, response.body());
        } catch (IOException | InterruptedException e) {
            throw failure(e);
        }
    }

    private CliFailure failure(Exception e) {
        if (e instanceof HttpConnectTimeoutException) {
            return unreachable("connection timed out");
        }
        if (e instanceof HttpTimeoutException) {
            return unreachable("no answer within " + timeout.toSeconds() + "s");
        }
        if (e instanceof ConnectException) {
            return unreachable("connection refused");
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return unreachable("interrupted");
        }
        return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private CliFailure unreachable(String why) {
        return new CliFailure(Exit.UNAVAILABLE, "cannot reach the Braid server at " + server + ": " + why);
    }

    private static String encode(String value) {
        // URLEncoder is form encoding; %20 reads as a space in a path and in a query alike
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
