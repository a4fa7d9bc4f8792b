package dev.braid.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One Server-Sent Event: its {@code event:} name ({@code message} when none) and its {@code data:}
 * lines joined by newlines. Comments ({@code :…}) and {@code id:}/{@code retry:} fields are skipped:
 * Braid's invoke stream does not use them.
 */
record ServerEvent(String name, String data) {

    /** Reads events until the stream ends, handing each one over as soon as its blank line arrives. */
    static void read(BufferedReader lines, Consumer<ServerEvent> onEvent) throws IOException {
        String name = null;
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    onEvent.accept(new ServerEvent(name == null ? "message" : name, data.toString()));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event:")) {
                name = value(line, 6);
            } else if (line.startsWith("data:")) {
                data = data == null ? new StringBuilder() : data.append('\n');
                data.append(value(line, 5));
            }
        }
        if (data != null) {
            // a stream cut after its last data line: the event still counts
            onEvent.accept(new ServerEvent(name == null ? "message" : name, data.toString()));
        }
    }

    private static String value(String line, int from) {
        // "data: x" and "data:x" are the same field; only one leading space belongs to the syntax
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }
}
