package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code braid providers}: the providers the server is configured with (admin), or with
 * {@code --models} every model name a call may route to (provider models, aliases, pipelines).
 */
@Command(
        name = "providers",
        description = {
            "List the configured providers (admin key), or with --models the routable models.",
            "A provider row: name, type, base URL, whether a credential is set, and where the setting comes",
            "from (config: braid.providers or the environment; api: PUT /api/providers). The built-in mock",
            "provider is always there and not listed. --models lists GET /v1/models instead: provider/model,",
            "aliases and pipeline/NAME, the names a call may route to (an invoker key may read it)."
        })
final class ProvidersCommand extends ApiCommand {

    @Option(names = "--models", description = "list the routable models (GET /v1/models) instead")
    boolean models;

    @Override
    Exit run(ApiClient client) {
        ApiResponse response = client.get(models ? "/v1/models" : "/api/providers", Map.of(), "application/json");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        // "data" may be missing: a server that has none configured has answered {} instead of {"data":[]}
        JsonNode rows = response.json().path("data");
        Table table;
        if (models) {
            table = new Table("MODEL", "OWNED BY");
            for (JsonNode m : rows) {
                table.row(m.path("id").asText(), m.path("owned_by").asText(""));
            }
        } else {
            table = new Table("NAME", "TYPE", "BASE URL", "CREDENTIAL", "SOURCE");
            for (JsonNode p : rows) {
                table.row(
                        p.path("name").asText(),
                        p.path("type").asText(""),
                        p.path("baseUrl").isNull() ? "(default)" : p.path("baseUrl").asText("(default)"),
                        p.path("hasApiKey").asBoolean(false) ? "set" : "-",
                        p.path("source").asText(""));
            }
        }
        table.print(out());
        return Exit.OK;
    }
}
