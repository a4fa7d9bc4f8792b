package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code braid keys create|list|revoke}: API keys over {@code /api/keys} (admin keys only). */
@Command(
        name = "keys",
        description = "Create, list and revoke API keys (needs an admin key).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand extends ApiCommand {

    @Override
    Exit run(ApiClient client) {
        // `braid keys` alone: which of the three?
        spec.commandLine().usage(err());
        return Exit.USAGE;
    }

    /** {@code braid keys create}: the secret goes to stdout alone, once, so a script can capture it. */
    @Command(
            name = "create",
            description = {
                "Create a key and print its secret once, alone on stdout.",
                "KEY=$(braid keys create …) captures it; the key's id, name and role go to stderr. The server",
                "keeps only its hash."
            })
    static final class Create extends ApiCommand {

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "who or what uses it (1 to 200 characters)")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "admin, deployer (deploy, activate, roll back, read), invoker (invoke) or viewer (read)")
        String role;

        @Option(names = "--pipelines", split = ",", paramLabel = "NAME",
                description = "invoker keys: only these pipelines (repeat or comma-separate)")
        List<String> pipelines;

        @Option(names = "--models", split = ",", paramLabel = "MODEL",
                description = "invoker keys: only these models, provider/model (repeat or comma-separate)")
        List<String> models;

        @Option(names = "--requests-per-minute", paramLabel = "N", description = "rate limit")
        Integer requestsPerMinute;

        @Option(names = "--tokens-per-day", paramLabel = "N", description = "token quota per UTC day")
        Long tokensPerDay;

        @Option(names = "--usd-per-month", paramLabel = "USD", description = "budget per UTC month")
        BigDecimal usdPerMonth;

        @Override
        Exit run(ApiClient client) {
            ObjectNode body = JSON.createObjectNode().put("name", name).put("role", role);
            if (pipelines != null) {
                pipelines.forEach(body.putArray("pipelines")::add);
            }
            if (models != null) {
                models.forEach(body.putArray("models")::add);
            }
            if (requestsPerMinute != null) {
                body.put("requestsPerMinute", requestsPerMinute);
            }
            if (tokensPerDay != null) {
                body.put("tokensPerDay", tokensPerDay);
            }
            if (usdPerMonth != null) {
                body.put("usdPerMonth", usdPerMonth);
            }
            ApiResponse response = client.post("/api/keys", Map.of(), "application/json", body.toString());
            if (!response.ok()) {
                return refused(response);
            }
            if (json()) {
                printJson(response);
                return Exit.OK;
            }
            JsonNode key = response.json();
            err().println("braid: created key " + key.path("id").asText() + " '" + key.path("name").asText() + "' ("
                    + key.path("role").asText() + "); its secret, on stdout, is shown this once");
            err().flush();
            out().println(key.path("key").asText());
            out().flush();
            return Exit.OK;
        }
    }

    /** {@code braid keys list}: every key, revoked ones too unless {@code --active}; never a secret. */
    @Command(name = "list", description = "List keys (never their secrets), oldest first.")
    static final class ListKeys extends ApiCommand {

        @Option(names = "--active", description = "leave out revoked keys")
        boolean activeOnly;

        @Override
        Exit run(ApiClient client) {
            ApiResponse response = client.get("/api/keys", Map.of(), "application/json");
            if (!response.ok()) {
                return refused(response);
            }
            List<JsonNode> keys = new ArrayList<>();
            for (JsonNode k : response.json().path("data")) {
                if (!activeOnly || !revoked(k)) {
                    keys.add(k);
                }
            }
            if (json()) {
                ArrayNode data = JSON.createArrayNode().addAll(keys);
                out().println(JSON.createObjectNode().set("data", data));
                out().flush();
                return Exit.OK;
            }
            Table table = new Table("ID", "NAME", "ROLE", "PREFIX", "SCOPE", "LIMITS", "CREATED", "STATE");
            for (JsonNode k : keys) {
                table.row(
                        k.path("id").asText(),
                        k.path("name").asText(""),
                        k.path("role").asText(""),
                        k.path("prefix").asText(""),
                        scope(k),
                        limits(k),
                        instant(k.get("createdAt")),
                        revoked(k) ? "revoked " + instant(k.get("revokedAt")) : "active");
            }
            table.print(out());
            return Exit.OK;
        }

        static String scope(JsonNode k) {
            List<String> parts = new ArrayList<>();
            if (k.path("pipelines").isArray()) {
                parts.add("pipelines=" + join(k.get("pipelines")));
            }
            if (k.path("models").isArray()) {
                parts.add("models=" + join(k.get("models")));
            }
            return parts.isEmpty() ? "-" : String.join(" ", parts);
        }

        static String limits(JsonNode k) {
            List<String> parts = new ArrayList<>();
            if (k.hasNonNull("requestsPerMinute")) {
                parts.add(k.get("requestsPerMinute").asText() + "/min");
            }
            if (k.hasNonNull("tokensPerDay")) {
                parts.add(k.get("tokensPerDay").asText() + " tokens/day");
            }
            if (k.hasNonNull("usdPerMonth")) {
                parts.add("$" + k.get("usdPerMonth").decimalValue().toPlainString() + "/month");
            }
            return parts.isEmpty() ? "-" : String.join(", ", parts);
        }

        private static String join(JsonNode array) {
            List<String> items = new ArrayList<>();
            array.forEach(i -> items.add(i.asText()));
            return String.join(",", items);
        }
    }

    /** {@code braid keys revoke ID|NAME}: by id, or by the name of exactly one active key. */
    @Command(name = "revoke", description = "Revoke a key by id, or by name when exactly one active key has it.")
    static final class Revoke extends ApiCommand {

        @Parameters(paramLabel = "ID|NAME", description = "the key's id (key_…) or its name")
        String key;

        @Override
        Exit run(ApiClient client) {
            ApiResponse response = client.delete("/api/keys/" + ApiClient.segment(key));
            if (response.status() == 404) {
                String id = idByName(client);
                if (id != null) {
                    response = client.delete("/api/keys/" + ApiClient.segment(id));
                }
            }
            if (!response.ok()) {
                return refused(response);
            }
            if (json()) {
                out().println(JSON.createObjectNode().put("revoked", key));
            } else {
                out().println("revoked key " + key);
            }
            out().flush();
            return Exit.OK;
        }

        /** The id of the one active key named {@link #key}; null when none is; a usage error when several are. */
        private String idByName(ApiClient client) {
            ApiResponse list = client.get("/api/keys", Map.of(), "application/json");
            if (!list.ok()) {
                return null;
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode k : list.json().path("data")) {
                if (key.equals(k.path("name").asText()) && !revoked(k)) {
                    ids.add(k.path("id").asText());
                }
            }
            if (ids.size() > 1) {
                throw new CliFailure(Exit.USAGE, ids.size() + " active keys are named '" + key + "': revoke one by id ("
                        + String.join(", ", ids) + ")");
            }
            return ids.isEmpty() ? null : ids.get(0);
        }
    }

    static boolean revoked(JsonNode k) {
        return k.hasNonNull("revokedAt");
    }

    /**
     * An instant as ISO-8601, whether the server wrote it so or as epoch seconds with a fraction
     * (what {@code /api/keys} has answered: {@code 1733500000.123456789}).
     */
    static String instant(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos).toString();
        }
        return value.asText();
    }
}
