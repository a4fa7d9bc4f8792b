package dev.braid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code braid invoke NAME --input JSON}: run a pipeline once (a smoke test) and print its envelope. */
@Command(
        name = "invoke",
        description = {
            "Run a pipeline with an input and print the response envelope (pretty JSON).",
            "Exit 4 when the pipeline ran and a provider failed it (502 provider error, 503, 504 timeout)."
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

    @Override
    Exit run(ApiClient client) {
        ObjectNode body = JSON.createObjectNode();
        body.set("input", parseInput());
        if (version != null) {
            body.put("version", version);
        }
        ApiResponse response = client.post(
                "/v1/pipelines/" + ApiClient.segment(name) + "/invoke", Map.of(), "application/json", body.toString());
        if (response.ok()) {
            JsonNode envelope = response.json();
            out().println(json() ? envelope.toString() : pretty(envelope));
            out().flush();
            return Exit.OK;
        }
        Exit exit = refused(response);
        // Braid's upstream_error (502, 503, 504) means the pipeline ran and a provider failed it; a
        // proxy's 502 page, or Braid's own 500, means the server is the problem
        boolean pipelineFailed = "upstream_error".equals(response.error().path("type").asText(""));
        return pipelineFailed ? Exit.PIPELINE_FAILED : exit;
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
