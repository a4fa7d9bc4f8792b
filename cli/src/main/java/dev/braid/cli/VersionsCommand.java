package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code braid versions NAME}: every stored version, the active one marked. */
@Command(name = "versions", description = "List a pipeline's versions; * marks the active one.")
final class VersionsCommand extends ApiCommand {

    @Parameters(paramLabel = "NAME", description = "pipeline name")
    String name;

    @Option(names = "--active", description = "print only the active version's number (for scripts)")
    boolean activeOnly;

    @Override
    Exit run(ApiClient client) {
        ApiResponse response =
                client.get("/api/pipelines/" + ApiClient.segment(name) + "/versions", Map.of(), "application/json");
        if (!response.ok()) {
            return refused(response);
        }
        if (activeOnly) {
            for (JsonNode v : response.json().path("versions")) {
                if (v.path("active").asBoolean(false)) {
                    out().println(json() ? v.toString() : v.path("version").asText());
                    out().flush();
                    return Exit.OK;
                }
            }
            throw new CliFailure(Exit.REFUSED, name + " has no active version");
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        Table table = new Table("VERSION", "ACTIVE", "CREATED", "AUTHOR", "SHA256", "MESSAGE");
        for (JsonNode v : response.json().path("versions")) {
            table.row(
                    v.path("version").asText(),
                    v.path("active").asBoolean(false) ? "*" : "",
                    v.path("createdAt").asText(""),
                    text(v.path("author")),
                    shortSha(v.path("sha256")),
                    v.path("message").asText(""));
        }
        table.print(out());
        return Exit.OK;
    }

    /** An author may be a plain name or an actor object {@code {id, name}}. */
    static String text(JsonNode who) {
        if (who.isObject()) {
            return who.path("name").asText(who.path("id").asText(""));
        }
        return who.isNull() || who.isMissingNode() ? "" : who.asText();
    }
}
