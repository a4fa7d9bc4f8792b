package dev.braid.server.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.sse.Event;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Sinks;

/**
 * One server-sent-events answer fed from callbacks (model deltas on I/O threads), without a
 * thread waiting: events go into a unicast sink that Netty drains and flushes one by one.
 *
 * <p>The HTTP response is decided lazily. Until the first event, nothing is sent, so a failure
 * before it (unknown pipeline, every fallback target failed) still answers with its real status
 * and an OpenAI-shaped JSON body; once the first event is out, the status is 200 and a failure
 * can only travel as an event. Callers may call from any thread; calls are serialized here because
 * a unicast sink must never be fed concurrently.
 */
public final class EventStream {

    private final HttpRequest<?> request;
    private final Sinks.Many<Event<String>> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final CompletableFuture<MutableHttpResponse<?>> response = new CompletableFuture<>();
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    private boolean open;
    private boolean closed;
    private volatile boolean cancelled;

    public EventStream(HttpRequest<?> request) {
        this.request = request;
    }

    /** The response to return from the controller; completes at the first event or an early failure. */
    public CompletionStage<MutableHttpResponse<?>> response() {
        return response;
    }

    /**
     * A header for the answer (the stream's or an early error's); ignored once the stream is open
     * (headers are gone by then).
     */
    public synchronized EventStream header(String name, String value) {
        if (!open && !closed) {
            headers.put(name, value);
        }
        return this;
    }

    /** Sends a {@code data:} event (no event name). */
    public void data(String json) {
        send(Event.of(json));
    }

    /** Sends a named event ({@code event: <name>}). */
    public void named(String name, String json) {
        send(Event.of(json).name(name));
    }

    public synchronized void send(Event<String> event) {
        if (closed) {
            return;
        }
        openIfNeeded();
        // a client that went away cancels the flux; later events are dropped, never an error
        sink.tryEmitNext(event);
    }

    /** Ends the stream (opening it first, so an empty stream is still a 200 event stream). */
    public synchronized void end() {
        if (closed) {
            return;
        }
        openIfNeeded();
        closed = true;
        sink.tryEmitComplete();
    }

    /**
     * Whether the client went away (Netty cancelled the stream). Producers should then stop: a
     * delta sink that throws makes the model router abort the provider call, so nobody pays for
     * tokens no one reads.
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Whether the first event went out (a failure must then travel as an event). */
    public synchronized boolean isOpen() {
        return open;
    }

    /**
     * Answers {@code error} as a plain HTTP error when nothing was streamed yet and returns true;
     * returns false (doing nothing) once the stream is open.
     */
    public synchronized boolean failBeforeOpen(Throwable error) {
        if (open || closed) {
            return false;
        }
        closed = true;
        MutableHttpResponse<?> failed = ErrorResponses.of(request, error);
        headers.forEach(failed::header);
        response.complete(failed);
        return true;
    }

    private void openIfNeeded() {
        if (open) {
            return;
        }
        open = true;
        MutableHttpResponse<?> ok = HttpResponse.ok(sink.asFlux().doOnCancel(() -> cancelled = true))
                .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                .header("Cache-Control", "no-cache")
                // tells nginx-style proxies not to buffer the stream
                .header("X-Accel-Buffering", "no");
        headers.forEach(ok::header);
        response.complete(ok);
    }
}
