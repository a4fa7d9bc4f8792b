package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code braid activate NAME V}: switch the active version (in-flight requests finish on the old one). */
@Command(
        name = "activate",
        description = "Make version V the active one; requests in flight finish on the old version.")
final class ActivateCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "pipeline name")
    String name;

    @Parameters(index = "1", paramLabel = "V", description = "the version to activate")
    int version;

    @Override
    Exit run(ApiClient client) {
        ApiResponse response = client.post(
                "/api/pipelines/" + ApiClient.segment(name) + "/versions/" + version + "/activate",
                Map.of(),
                "application/json",
                "{}");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        out().println(name + " " + activeOf(response.jsonOrMissing(), version) + " is active"
                + previous(response.jsonOrMissing()));
        out().flush();
        return Exit.OK;
    }

    /** The version the server says is active now, or the one asked for when it does not say. */
    static String activeOf(JsonNode body, int asked) {
        for (String field : new String[] {"activeVersion", "version"}) {
            if (body.path(field).isIntegralNumber()) {
                return "v" + body.get(field).asInt();
            }
        }
        return asked > 0 ? "v" + asked : "the previous version";
    }

    static String previous(JsonNode body) {
        if (body.path("changed").isBoolean() && !body.get("changed").asBoolean()) {
            return " (it already was)";
        }
        for (String field : new String[] {"fromVersion", "previousVersion"}) {
            if (body.path(field).isIntegralNumber()) {
                return " (was v" + body.get(field).asInt() + ")";
            }
        }
        return "";
    }
}
