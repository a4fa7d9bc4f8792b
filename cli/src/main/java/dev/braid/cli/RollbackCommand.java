package dev.braid.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code braid rollback NAME [--to V]}: undo the most recent activation, or go to a given version. */
@Command(
        name = "rollback",
        description = {
            "Activate the previously active version (repeat to walk further back), or --to V.",
        })
final class RollbackCommand extends ApiCommand {

    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Option(names = "--to", paramLabel = "V", description = "the version to roll back to")
    Integer to;

    @Override
    Exit run(ApiClient client) {
        String body = to == null ? "{}" : JSON.createObjectNode().put("to", to).toString();
        ApiResponse response =
                client.post("/api/pipelines/" + ApiClient.segment(name) + "/rollback", Map.of(), "application/json", body);
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        out().println(name + " rolled back: "
                + ActivateCommand.activeOf(response.jsonOrMissing(), to == null ? 0 : to) + " is active"
                + ActivateCommand.previous(response.jsonOrMissing()));
        out().flush();
        return Exit.OK;
    }
}
