package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code braid pipelines}: every pipeline the server holds, with its active version and state. */
@Command(
        name = "pipelines",
        description = {
            "List every pipeline with its active version and state.",
            "Columns: active version, newest version, how many versions, state, last change.",
            "STATE is live (the newest version is active), newer-inactive (a newer version is stored but not",
            "active: braid activate NAME V) or inactive (no active version: calls answer 404)."
        })
final class PipelinesCommand extends ApiCommand {

    @Override
    Exit run(ApiClient client) {
        ApiResponse response = client.get("/api/pipelines", Map.of(), "application/json");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        Table table = new Table("NAME", "ACTIVE", "LATEST", "VERSIONS", "STATE", "UPDATED");
        for (JsonNode p : response.json().path("pipelines")) {
            table.row(
                    p.path("name").asText(),
                    version(p.get("activeVersion")),
                    version(p.get("latestVersion")),
                    p.path("versionCount").asText(""),
                    state(p),
                    p.path("updatedAt").asText(""));
        }
        table.print(out());
        return Exit.OK;
    }

    /** What a caller of the pipeline gets now, read from its active and newest versions. */
    static String state(JsonNode pipeline) {
        JsonNode active = pipeline.get("activeVersion");
        if (active == null || active.isNull()) {
            return "inactive";
        }
        return pipeline.path("latestVersion").asInt() > active.asInt() ? "newer-inactive" : "live";
    }
}
