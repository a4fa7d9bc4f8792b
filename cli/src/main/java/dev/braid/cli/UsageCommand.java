package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code braid usage}: {@code GET /api/usage} as a table, grouped by pipeline, model, key or any other dimension. */
@Command(
        name = "usage",
        description = {
            "Show usage as a table: requests, errors, tokens, cost, latency by pipeline, model or key.",
            "It reads GET /api/usage, so a viewer key is enough.",
            "The window is [--since, --until), by default the last 24 hours; it is printed on stderr.",
            "Grouping by model, step or provider, or --model, counts model calls (step level), else requests."
        })
final class UsageCommand extends ApiCommand {

    @Option(names = {"--by", "--group-by"}, split = ",", paramLabel = "DIM", defaultValue = "pipeline",
            description = "group by (repeat or comma-separate): pipeline, version, step, model, provider, key,"
                    + " day, hour (default ${DEFAULT-VALUE})")
    List<String> by;

    @Option(names = {"--since", "--from"}, paramLabel = "TIME",
            description = "from this instant (2026-11-26T10:00:00Z) or date (midnight UTC) on (the server's from)")
    String since;

    @Option(names = {"--until", "--to"}, paramLabel = "TIME",
            description = "before this instant; a date includes that day (the server's to)")
    String until;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "only this pipeline")
    String pipeline;

    @Option(names = "--model", paramLabel = "MODEL", description = "only this model, provider/model")
    String model;

    @Option(names = "--key-id", paramLabel = "ID", description = "only this API key (its id, as braid keys list shows)")
    String keyId;

    @Override
    Exit run(ApiClient client) {
        List<String> groupBy = by.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        ApiResponse response = client.get("/api/usage", ApiClient.query(
                "from", since,
                "to", until,
                "pipeline", pipeline,
                "key", keyId,
                "model", model,
                "groupBy", groupBy.isEmpty() ? null : String.join(",", groupBy)), "application/json");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        JsonNode report = response.json();
        List<String> dims = new ArrayList<>();
        report.path("groupBy").forEach(d -> dims.add(d.asText()));
        Map<String, String> keyNames = dims.contains("key") ? keyNames(client) : Map.of();
        List<String> header = new ArrayList<>();
        dims.forEach(d -> header.add(d.toUpperCase(Locale.ROOT)));
        header.addAll(List.of("REQUESTS", "ERRORS", "PROMPT", "COMPLETION", "TOKENS", "COST_USD", "P50_MS", "P95_MS"));
        Table table = new Table(header.toArray(String[]::new));
        for (JsonNode row : report.path("rows")) {
            List<Object> cells = new ArrayList<>();
            for (String d : dims) {
                JsonNode v = row.get(d);
                String text = v == null || v.isNull() ? "-" : v.asText();
                cells.add("key".equals(d) ? keyNames.getOrDefault(text, text) : text);
            }
            cells.add(row.path("requests").asText("0"));
            cells.add(row.path("errors").asText("0"));
            cells.add(row.path("promptTokens").asText("0"));
            cells.add(row.path("completionTokens").asText("0"));
            cells.add(row.path("totalTokens").asText("0"));
            cells.add(cost(row.path("costUsd")));
            cells.add(ms(row.path("latencyP50Ms")));
            cells.add(ms(row.path("latencyP95Ms")));
            table.row(cells.toArray());
        }
        table.print(out());
        err().println("braid: usage from " + report.path("from").asText() + " to " + report.path("to").asText()
                + " (" + report.path("level").asText("request") + " level)");
        err().flush();
        return Exit.OK;
    }

    /**
     * Key ids to "name (id)", when this key may read {@code /api/keys} (admins); else nothing, and the
     * table shows ids: a viewer may read usage but not the key list.
     */
    private static Map<String, String> keyNames(ApiClient client) {
        ApiResponse keys = client.get("/api/keys", Map.of(), "application/json");
        Map<String, String> names = new HashMap<>();
        if (keys.ok()) {
            for (JsonNode k : keys.json().path("data")) {
                names.put(k.path("id").asText(), k.path("name").asText() + " (" + k.path("id").asText() + ")");
            }
        }
        return names;
    }

    private static String cost(JsonNode value) {
        return value.isNumber() ? value.decimalValue().setScale(6, RoundingMode.HALF_UP).toPlainString() : "-";
    }

    private static String ms(JsonNode value) {
        return value.isNumber() ? BigDecimal.valueOf(value.asDouble()).setScale(1, RoundingMode.HALF_UP).toPlainString() : "-";
    }
}
