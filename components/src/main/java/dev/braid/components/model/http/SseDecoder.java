package dev.braid.components.model.http;

import java.util.function.Consumer;

/**
 * An incremental server-sent-events parser fed one line at a time (line terminators already
 * removed): {@code event:} and {@code data:} fields, multi-line data joined with LF, {@code :}
 * comments and unknown fields ignored, an event dispatched on the blank line that ends it. Events
 * without data are dropped, as the SSE spec says. Not thread-safe: one decoder per stream.
 */
public final class SseDecoder {

    private final Consumer<SseEvent> handler;
    private String event;
    private StringBuilder data;

    public SseDecoder(Consumer<SseEvent> handler) {
        this.handler = handler;
    }

    public void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> { } // id, retry and unknown fields do not matter to a one-shot model stream
        }
    }

    /** Dispatches an event the stream did not close with a blank line (the body ended right after it). */
    public void end() {
        dispatch();
    }

    private void dispatch() {
        String name = event == null || event.isEmpty() ? "message" : event;
        StringBuilder d = data;
        event = null;
        data = null;
        if (d != null) {
            handler.accept(new SseEvent(name, d.toString()));
        }
    }
}
