package dev.braid.components.model.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class LineBodySubscriberTest {

    private final List<String> lines = new ArrayList<>();
    private boolean cancelled;

    private LineBodySubscriber<List<String>> subscriber(int max) {
        LineBodySubscriber<List<String>> s = new LineBodySubscriber<>(new LineSink<>() {
            @Override
            public void line(String line) {
                lines.add(line);
            }

            @Override
            public List<String> end() {
                return List.copyOf(lines);
            }
        }, max);
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) { }

            @Override
            public void cancel() {
                cancelled = true;
            }
        });
        return s;
    }

    private static ByteBuffer bytes(byte[] all, int from, int to) {
        return ByteBuffer.wrap(Arrays.copyOfRange(all, from, to));
    }

    @Test
    void splitsOnLfCrlfAndLoneCrEvenAcrossChunks() throws Exception {
        LineBodySubscriber<List<String>> s = subscriber(1000);
        byte[] all = "a\r\nb\nc\rd\r".getBytes(StandardCharsets.UTF_8);
        s.onNext(List.of(bytes(all, 0, 2))); // "a\r"
        s.onNext(List.of(bytes(all, 2, 6))); // "\nb\nc"
        s.onNext(List.of(bytes(all, 6, all.length)));
        s.onNext(List.of(ByteBuffer.wrap("\ntail".getBytes(StandardCharsets.UTF_8)))); // LF right after CR: same terminator
        s.onComplete();
        assertEquals(List.of("a", "b", "c", "d", "tail"), s.getBody().toCompletableFuture().get());
    }

    @Test
    void keepsMultiByteCharactersSplitBetweenChunks() throws Exception {
        LineBodySubscriber<List<String>> s = subscriber(1000);
        byte[] all = "héllo 🌍\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < all.length; i++) {
            s.onNext(List.of(bytes(all, i, i + 1)));
        }
        s.onComplete();
        assertEquals(List.of("héllo 🌍"), s.getBody().toCompletableFuture().get());
    }

    @Test
    void anOverlongLineCancelsTheBody() {
        LineBodySubscriber<List<String>> s = subscriber(10);
        s.onNext(List.of(ByteBuffer.wrap("0123456789abc".getBytes(StandardCharsets.UTF_8))));
        ExecutionException e = assertThrows(ExecutionException.class, () -> s.getBody().toCompletableFuture().get());
        assertInstanceOf(LineBodySubscriber.LineTooLong.class, e.getCause());
        assertEquals(true, cancelled);
    }
}
