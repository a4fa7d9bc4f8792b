package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final SseDecoder decoder = new SseDecoder(events::add);

    private void feed(String... lines) {
        for (String l : lines) {
            decoder.line(l);
        }
    }

    @Test
    void dispatchesOnTheBlankLineWithTheNamedEvent() {
        feed("event: content_block_delta", "data: {\"a\":1}");
        assertEquals(List.of(), events);
        feed("");
        assertEquals(List.of(new SseEvent("content_block_delta", "{\"a\":1}")), events);
    }

    @Test
    void joinsMultiLineDataWithNewlinesAndDefaultsTheEventName() {
        feed("data: first", "data:second", "data:  third", "");
        assertEquals(List.of(new SseEvent("message", "first\nsecond\n third")), events);
    }

    @Test
    void ignoresCommentsIdsRetriesAndUnknownFields() {
        feed(": keep-alive", "id: 7", "retry: 100", "foo: bar", "data: x", "");
        assertEquals(List.of(new SseEvent("message", "x")), events);
    }

    @Test
    void anEventWithoutDataIsDroppedAndTheNameDoesNotLeakIntoTheNext() {
        feed("event: ping", "", "data: y", "");
        assertEquals(List.of(new SseEvent("message", "y")), events);
    }

    @Test
    void endDispatchesAnEventTheBodyDidNotTerminate() {
        feed("event: message_stop", "data: {}");
        decoder.end();
        assertEquals(List.of(new SseEvent("message_stop", "{}")), events);
    }
}
