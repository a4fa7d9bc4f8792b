package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code braid audit}: who changed what (pipelines, keys, provider credentials), newest first. Admin keys only. */
@Command(
        name = "audit",
        description = "Show the audit trail, newest first: deploys, activations, rollbacks, releases, keys created and"
                + " revoked, provider credentials set (needs an admin key).")
final class AuditCommand extends ApiCommand {

    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "only these event types (repeat or comma-separate): deploy, activate, rollback,"
                    + " release_started, release_step, release_promoted, release_aborted, auto_rollback, key_created,"
                    + " key_revoked, provider_set")
    List<String> types;

    @Option(names = "--actor", paramLabel = "WHO", description = "only events by this key (id or name)")
    String actor;

    @Option(names = "--since", paramLabel = "TIME",
            description = "from this instant (2026-11-26T10:00:00Z) or date (2026-11-26, midnight UTC) on")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "before this instant; a date includes that day")
    String until;

    @Option(names = "--limit", paramLabel = "N", description = "at most N events (server default 100, max 1000)")
    Integer limit;

    @Option(names = "--before", paramLabel = "CURSOR", description = "the page after this cursor (printed when more follow)")
    String before;

    @Override
    Exit run(ApiClient client) {
        ApiResponse response = client.get("/api/audit", ApiClient.query(
                "type", types == null || types.isEmpty() ? null : String.join(",", types),
                "actor", actor,
                "since", since,
                "until", until,
                "limit", limit,
                "before", before), "application/json");
        if (!response.ok()) {
            return refused(response);
        }
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        Table table = new Table("AT", "EVENT", "SUBJECT", "DETAIL", "ACTOR");
        for (JsonNode e : response.json().path("events")) {
            table.row(
                    e.path("at").asText(""),
                    e.path("type").asText(""),
                    e.path("subject").asText(""),
                    detail(e),
                    VersionsCommand.text(e.path("actor")));
        }
        table.print(out());
        JsonNode next = response.json().path("next");
        if (next.isTextual()) {
            // on stderr, so stdout stays one line per event for scripts
            err().println("braid: more events: add --before " + next.asText());
            err().flush();
        }
        return Exit.OK;
    }

    /** What the event's type adds: a version change, or a key's name and role. */
    static String detail(JsonNode e) {
        if (e.has("version")) {
            String v = version(e.get("version"));
            JsonNode from = e.get("fromVersion");
            return from == null || from.isNull() ? v : v + " (was " + version(from) + ")";
        }
        if (e.hasNonNull("keyName")) {
            String role = e.path("keyRole").asText("");
            return e.get("keyName").asText() + (role.isEmpty() ? "" : " (" + role + ")");
        }
        return "-";
    }
}
