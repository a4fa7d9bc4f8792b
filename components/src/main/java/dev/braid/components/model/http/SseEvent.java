package dev.braid.components.model.http;

/** One dispatched server-sent event; {@code event} is "message" when the stream named none. */
public record SseEvent(String event, String data) {}
