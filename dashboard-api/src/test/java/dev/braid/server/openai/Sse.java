package dev.braid.server.openai;

import java.util.ArrayList;
import java.util.List;

/** Splits a server-sent-events body into its frames, checking the framing on the way. */
public final class Sse {

    /** One frame: its {@code event:} name (null when absent) and its {@code data:} text. */
    public record Frame(String event, String data) {}

    private Sse() {}

    /** Frames of a complete body; every frame must end with a blank line. */
    public static List<Frame> frames(String body) {
        if (!body.endsWith("\n\n")) {
            throw new AssertionError("an SSE body ends with a blank line: " + body);
        }
        List<Frame> frames = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            String event = null;
            StringBuilder data = null;
            for (String line : block.split("\n", -1)) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                } else {
                    throw new AssertionError("unexpected SSE line '" + line + "' in block '" + block + "'");
                }
            }
            if (data == null) {
                throw new AssertionError("an SSE frame without data: '" + block + "'");
            }
            frames.add(new Frame(event, data.toString()));
        }
        return frames;
    }
}
