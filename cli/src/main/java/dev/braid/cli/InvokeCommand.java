package dev.braid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code braid invoke NAME --input JSON}: run a pipeline once (a smoke test) and print its envelope;
 * with {@code --stream}, print the text as the server streams it.
 */
@Command(
        name = "invoke",
        description = {
            "Run a pipeline with an input and print the response envelope (pretty JSON).",
            "--stream prints the stream: step's text as it arrives, then a summary on stderr;",
            "--stream --json prints one line per event: {\"event\": delta|done|error, \"data\": {…}}.",
            "Exit 4: a provider failed the pipeline (502 provider error, 503, 504 timeout).",
            "Exit 8: the pipeline itself failed (a JSONata expression, a when, a require)."
        })
final class InvokeCommand extends ApiCommand {

    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "JSON",
            description = "the input object, e.g. '{\"text\":\"hi\"}', or @FILE to read it from a file")
    String input;

    @Option(names = "--version", paramLabel = "V", description = "run this version instead of the active one")
    Integer version;

    @Option(names = "--stream", description = "stream the answer: print each text delta as it arrives")
    boolean stream;

    @Override
    Exit run(ApiClient client) {
        ObjectNode body = JSON.createObjectNode();
        body.set("input", parseInput());
        if (version != null) {
            body.put("version", version);
        }
        if (stream) {
            body.put("stream", true);
            return stream(client, body);
        }
        ApiResponse response = client.post(
                "/v1/pipelines/" + ApiClient.segment(name) + "/invoke", Map.of(), "application/json", body.toString());
        if (response.ok()) {
            JsonNode envelope = response.json();
            out().println(json() ? envelope.toString() : pretty(envelope));
            out().flush();
            return Exit.OK;
        }
        // Problems.exitFor tells a provider's failure (4) from the pipeline's own (8) and from a proxy's 502 page (3)
        return refused(response);
    }

    /**
     * Prints deltas as they come (flushed one by one, so a terminal or a pipe sees them progressively),
     * then the {@code done} envelope: as a summary line on stderr after streamed text, or pretty on
     * stdout when the pipeline streamed nothing (it has no {@code stream:} step). An {@code error}
     * event after the stream opened ends it with the exit code its type deserves.
     */
    private Exit stream(ApiClient client, ObjectNode body) {
        StreamState state = new StreamState();
        ApiResponse response = client.postForEvents(
                "/v1/pipelines/" + ApiClient.segment(name) + "/invoke", body.toString(), event -> onEvent(event, state));
        if (!response.ok()) {
            return refused(response);
        }
        if (state.exit == null) {
            if (state.printedText) {
                out().println();
                out().flush();
            }
            throw new CliFailure(Exit.UNAVAILABLE, "the stream ended without a done or error event");
        }
        return state.exit;
    }

    /** What a stream has shown so far, and how it ended (null while it runs). */
    private static final class StreamState {
        boolean printedText;
        Exit exit;
    }

    private void onEvent(ServerEvent event, StreamState state) {
        JsonNode data;
        try {
            data = JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            throw new CliFailure(Exit.UNAVAILABLE, "the server sent an event whose data is not JSON: " + event.name());
        }
        if (json()) {
            ObjectNode line = JSON.createObjectNode().put("event", event.name());
            line.set("data", data);
            out().println(line);
            out().flush();
        }
        switch (event.name()) {
            case "delta" -> {
                if (!json()) {
                    out().print(data.path("text").asText(""));
                    out().flush();
                    state.printedText = true;
                }
            }
            case "done" -> {
                state.exit = Exit.OK;
                if (!json()) {
                    if (state.printedText) {
                        out().println();
                        out().flush();
                        err().println("braid: " + summary(data));
                        err().flush();
                    } else {
                        out().println(pretty(data));
                        out().flush();
                    }
                }
            }
            case "error" -> {
                if (!json() && state.printedText) {
                    out().println();
                    out().flush();
                }
                // the error event carries the same {"error":{…}} body a plain answer would, with its status lost
                ApiResponse failed = new ApiResponse(streamStatus(data), "application/json", data.toString());
                err().println("braid: stream failed: " + Problems.describe(failed).replaceFirst("^\\d+ ", ""));
                err().flush();
                state.exit = Problems.exitFor(failed);
            }
            default -> {
                // an event this CLI does not know: newer servers may add some, and they are not its business
            }
        }
    }

    /**
     * A status for an {@code error} event, which has none: what its type implies, so
     * {@link Problems#exitFor} reads it like a plain answer.
     */
    private static int streamStatus(JsonNode data) {
        return switch (data.path("error").path("type").asText("")) {
            case "upstream_error" -> 502;
            case "invalid_request_error" -> 400;
            default -> 500;
        };
    }

    /** One line about a streamed run: pipeline, version, request id, time, tokens and cost. */
    static String summary(JsonNode envelope) {
        JsonNode usage = envelope.path("usage");
        return envelope.path("pipeline").asText("?") + " " + version(envelope.get("version")) + " "
                + envelope.path("id").asText("") + ": " + envelope.path("latencyMs").asText("?") + " ms, "
                + usage.path("totalTokens").asText("0") + " tokens, $" + usage.path("costUsd").asText("0");
    }

    private JsonNode parseInput() {
        String text = input.startsWith("@") ? readFile(Path.of(input.substring(1))) : input;
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliFailure(Exit.USAGE, "--input: not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new CliFailure(Exit.USAGE, "--input: expected a JSON object, like '{\"text\":\"hello\"}'");
        }
        return node;
    }
}
