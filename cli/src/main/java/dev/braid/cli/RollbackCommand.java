package dev.braid.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code braid rollback NAME [--to V]}: back to the most recently active version that is not
 * rejected (the server decides which), or to a given version. The version left becomes rejected,
 * so a later plain rollback never returns to it.
 */
@Command(
        name = "rollback",
        description = {
            "Activate the most recently active version that is not rejected, or --to V (which clears"
                    + " V's rejection). The version left becomes rejected: a later plain rollback never"
                    + " returns to it. Nothing left to roll back to: exit 1 (409 nothing_to_roll_back).",
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
