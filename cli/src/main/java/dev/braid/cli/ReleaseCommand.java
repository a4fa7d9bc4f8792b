package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code braid release start|status|promote|abort NAME}: a canary (or shadow) release of a candidate
 * version, watched by the server's guard. Exit codes as everywhere; {@code status --watch} exits 0
 * when the release ends promoted and 1 when it ends rolled back or aborted, so CI can branch on it.
 */
@Command(
        name = "release",
        description = "Release a candidate version in steps (or as a shadow) while the server's guard watches both"
                + " arms and rolls back by itself.",
        subcommands = {
            ReleaseCommand.Start.class,
            ReleaseCommand.Status.class,
            ReleaseCommand.Promote.class,
            ReleaseCommand.Abort.class
        })
final class ReleaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Exit.USAGE.code();
    }

    static String path(String name) {
        return "/api/pipelines/" + ApiClient.segment(name) + "/releases";
    }

    /** One line per arm: requests, error rate, p50/p99, cost per request. */
    static void printRelease(java.io.PrintWriter out, JsonNode r) {
        out.println(r.path("pipeline").asText() + " release " + r.path("id").asText() + ": "
                + r.path("state").asText() + ", v" + r.path("stable").asText() + " -> v" + r.path("candidate").asText()
                + ", " + r.path("weight").asInt() + "% on the candidate"
                + (r.path("steps").size() > 0 ? " (step " + r.path("step").asInt() + " of " + r.path("steps").size() + ")"
                        : ""));
        Table table = new Table("ARM", "VERSION", "REQUESTS", "ERRORS", "ERROR RATE", "P50 MS", "P99 MS", "USD/REQUEST");
        for (String arm : List.of("stable", "candidate")) {
            JsonNode a = r.path("arms").path(arm);
            table.row(arm, "v" + r.path(arm).asText(), a.path("requests").asText("0"), a.path("errors").asText("0"),
                    String.format(Locale.ROOT, "%.4f", a.path("errorRate").asDouble()), a.path("p50Ms").asText("0"),
                    a.path("p99Ms").asText("0"),
                    String.format(Locale.ROOT, "%.6f", a.path("costPerRequestUsd").asDouble()));
        }
        table.print(out);
        JsonNode shadow = r.path("shadow");
        if (r.path("shadowPercent").asInt() > 0) {
            out.println("shadow: " + shadow.path("requests").asText("0") + " runs, " + shadow.path("errors").asText("0")
                    + " failed, match rate " + (shadow.path("matchRate").isNumber()
                            ? String.format(Locale.ROOT, "%.3f", shadow.path("matchRate").asDouble()) : "-"));
        }
        if (!r.path("reason").isMissingNode() && !r.path("reason").isNull()) {
            out.println("reason: " + r.path("reason").path("message").asText(r.path("reason").toString()));
        }
        out.flush();
    }

    @Command(name = "start", description = "Start a release: braid release start NAME --candidate 4 --steps 5,25,50,100"
            + " --every 10m [--guard-error-rate 0.02 …], or --shadow 10 to run 10% also on the candidate.")
    static final class Start extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "pipeline name")
        String name;

        @Option(names = "--candidate", required = true, paramLabel = "V", description = "the version to release")
        int candidate;

        @Option(names = "--steps", split = ",", paramLabel = "P", description = "percentages of traffic, e.g. 5,25,50,100")
        List<Integer> steps;

        @Option(names = "--every", paramLabel = "DURATION", description = "least time at a step, e.g. 10m (default 10m)")
        String every;

        @Option(names = "--sticky", paramLabel = "S", description = "key (default), none, or header:<Name>")
        String sticky;

        @Option(names = "--shadow", paramLabel = "P", description = "a shadow release: this % also runs on the candidate")
        Integer shadow;

        @Option(names = "--guard-window", paramLabel = "DURATION", description = "the figures' window (default 5m)")
        String window;

        @Option(names = "--guard-min-requests", paramLabel = "N", description = "candidate requests before judging (default 50)")
        Integer minRequests;

        @Option(names = "--guard-error-rate", paramLabel = "X", description = "most error rate the candidate may have")
        Double errorRate;

        @Option(names = "--guard-error-rate-increase", paramLabel = "X", description = "most error rate above stable's")
        Double errorRateIncrease;

        @Option(names = "--guard-p99-ms", paramLabel = "MS", description = "most p99 latency")
        Double p99Ms;

        @Option(names = "--guard-p99-ratio", paramLabel = "X", description = "most p99 relative to stable's")
        Double p99Ratio;

        @Option(names = "--guard-cost-ratio", paramLabel = "X", description = "most cost per request relative to stable's")
        Double costRatio;

        @Override
        Exit run(ApiClient client) {
            ObjectNode body = JSON.createObjectNode().put("candidate", candidate);
            if (steps != null) {
                ArrayNode a = body.putArray("steps");
                steps.forEach(a::add);
            }
            if (every != null) {
                body.put("stepEvery", every);
            }
            if (sticky != null) {
                body.put("sticky", sticky);
            }
            if (shadow != null) {
                body.put("shadow", shadow);
            }
            ObjectNode guard = JSON.createObjectNode();
            if (window != null) {
                guard.put("window", window);
            }
            if (minRequests != null) {
                guard.put("minRequests", minRequests);
            }
            putIf(guard, "maxErrorRate", errorRate);
            putIf(guard, "maxErrorRateIncrease", errorRateIncrease);
            putIf(guard, "maxP99LatencyMs", p99Ms);
            putIf(guard, "maxP99Ratio", p99Ratio);
            putIf(guard, "maxCostPerRequestRatio", costRatio);
            if (!guard.isEmpty()) {
                body.set("guard", guard);
            }
            ApiResponse response = client.post(path(name), Map.of(), "application/json", body.toString());
            if (!response.ok()) {
                return refused(response);
            }
            if (json()) {
                printJson(response);
            } else {
                printRelease(out(), response.jsonOrMissing());
            }
            return Exit.OK;
        }

        private static void putIf(ObjectNode node, String field, Double value) {
            if (value != null) {
                node.put(field, value);
            }
        }
    }

    @Command(name = "status", description = "The running release with both arms' figures; --watch refreshes until it"
            + " ends (exit 0 promoted, 1 rolled back or aborted).")
    static final class Status extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "pipeline name")
        String name;

        @Option(names = "--watch", description = "refresh until the release ends")
        boolean watch;

        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "--watch's refresh (default 2)")
        double interval;

        @Override
        Exit run(ApiClient client) {
            String id = null;
            while (true) {
                ApiResponse response = client.get(path(name) + "/current", Map.of(), "application/json");
                if (response.status() == 404 && id != null) {
                    // it ended since the last look: show how
                    ApiResponse list = client.get(path(name), Map.of(), "application/json");
                    if (!list.ok()) {
                        return refused(list);
                    }
                    JsonNode last = list.jsonOrMissing().path("releases").path(0);
                    if (json()) {
                        out().println(last.toString());
                        out().flush();
                    } else {
                        printRelease(out(), last);
                    }
                    return "promoted".equals(last.path("state").asText()) ? Exit.OK : Exit.REFUSED;
                }
                if (!response.ok()) {
                    return refused(response);
                }
                JsonNode r = response.jsonOrMissing();
                id = r.path("id").asText();
                if (json()) {
                    printJson(response);
                } else {
                    printRelease(out(), r);
                }
                if (!watch) {
                    return Exit.OK;
                }
                try {
                    Thread.sleep((long) Math.max(100, interval * 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Exit.OK;
                }
                if (!json()) {
                    out().println();
                }
            }
        }
    }

    @Command(name = "promote", description = "Make the candidate the active version now.")
    static final class Promote extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "pipeline name")
        String name;

        @Override
        Exit run(ApiClient client) {
            return end(this, client, name, "promote");
        }
    }

    @Command(name = "abort", description = "All traffic back to stable now; the candidate becomes rejected.")
    static final class Abort extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "pipeline name")
        String name;

        @Override
        Exit run(ApiClient client) {
            return end(this, client, name, "abort");
        }
    }

    /** Promote or abort the running release; prints it as it ended. */
    static Exit end(ApiCommand command, ApiClient client, String name, String action) {
        ApiResponse response = client.post(path(name) + "/current/" + action, Map.of(), "application/json", "{}");
        if (!response.ok()) {
            return command.refused(response);
        }
        if (command.json()) {
            command.printJson(response);
        } else {
            printRelease(command.out(), response.jsonOrMissing());
        }
        return Exit.OK;
    }
}
