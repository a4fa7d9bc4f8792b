package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code braid history NAME}: the audit trail of deploys, activations and rollbacks. */
@Command(name = "history", description = "Show who deployed, activated and rolled back which version, when.")
final class HistoryCommand extends ApiCommand {

    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Override
    Exit run(ApiClient client) {
        ApiResponse response =
                client.get("/api/pipelines/" + ApiClient.segment(name) + "/history", Map.of(), "application/json");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        Table table = new Table("AT", "EVENT", "VERSION", "FROM", "ACTOR");
        for (JsonNode e : response.json().path("events")) {
            table.row(
                    e.path("at").asText(""),
                    e.path("type").asText(""),
                    version(e.get("version")),
                    version(e.get("fromVersion")),
                    VersionsCommand.text(e.path("actor")));
        }
        table.print(out());
        return Exit.OK;
    }
}
