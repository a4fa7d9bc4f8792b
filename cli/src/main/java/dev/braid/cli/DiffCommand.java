package dev.braid.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code braid diff NAME A B}: the server's unified diff between two versions, as it comes. */
@Command(name = "diff", description = "Show the unified diff from version A to version B of a pipeline.")
final class DiffCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "pipeline name")
    String name;

    @Parameters(index = "1", paramLabel = "A", description = "the older version")
    int from;

    @Parameters(index = "2", paramLabel = "B", description = "the newer version")
    int to;

    @Override
    Exit run(ApiClient client) {
        ApiResponse response = client.get(
                "/api/pipelines/" + ApiClient.segment(name) + "/diff",
                ApiClient.query("from", from, "to", to),
                "text/plain");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            out().println(JSON.createObjectNode()
                    .put("name", name)
                    .put("from", from)
                    .put("to", to)
                    .put("diff", response.body()));
        } else {
            out().print(response.body());
            if (!response.body().isEmpty() && !response.body().endsWith("\n")) {
                out().println();
            }
        }
        out().flush();
        return Exit.OK;
    }
}
