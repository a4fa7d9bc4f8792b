package dev.braid.bench;

import dev.braid.bench.Suite.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue #13 item 3, the control plane's cost: how long a large deploy takes with more and more already loaded,
 * and how long a restart takes with many pipelines stored. Slow by nature (minutes on today's code), so the
 * suite can skip it ({@code --no-deploy-cost}); the quick smoke runs it with small sizes.
 *
 * <p>Deploys: a fresh server, then {@code big}-step pipelines deployed and activated one after another, each
 * timed, until {@code maxBig} are in or the time budget is spent; deploy k runs with (k−1)·{@code big} steps
 * already loaded. Then that server is restarted on its database. Restart: another fresh server with
 * {@code pipelines} pipelines of {@code smallSteps} steps, stopped and started again on the same database; the
 * time runs from launch until the last deployed pipeline answers an invoke with 200.
 */
final class DeployCost {

    /** Sizes and the time budget of the deploy series. */
    record Plan(int big, int maxBig, Duration budget, int pipelines, int smallSteps) {
        static final Plan FULL = new Plan(1000, 11, Duration.ofSeconds(300), 100, 10);
        static final Plan QUICK = new Plan(50, 2, Duration.ofSeconds(60), 5, 3);
    }

    /** One timed deploy: steps loaded before it, its size, the call's time and status. */
    record Deploy(int loadedSteps, int steps, int bytes, double millis, int status) {
    }

    /** One timed start: what was stored, launch → first 200 of a stored pipeline. */
    record Start(String what, double seconds) {
    }

    /** How long a restart may take before the suite records it as "more than this" and goes on. */
    static final Duration RESTART_LIMIT = Duration.ofSeconds(600);

    private final Plan plan;
    private final Map<String, String> env;
    private final Path logDir;
    final List<Deploy> deploys = new ArrayList<>();
    final List<Start> starts = new ArrayList<>();
    private String stoppedBecause = "";

    DeployCost(Plan plan, Map<String, String> env, Path logDir) {
        this.plan = plan;
        this.env = env;
        this.logDir = logDir;
    }

    static String pipeline(String name, int steps) {
        StringBuilder sb = new StringBuilder("apiVersion: braid/v1\nkind: Pipeline\nname: ").append(name)
                .append("\ndescription: ").append(steps).append(" transform steps, for the deploy-cost scenario.\ninput:\n  type: object\nsteps:\n");
        for (int i = 0; i < steps; i++) {
            sb.append("  - id: s").append(i).append("\n    transform: { jsonata: '{ \"n\": ").append(i).append(" }' }\n");
        }
        return sb.toString();
    }

    private static HttpConn.Response deploy(BraidProcess b, String yaml) throws IOException {
        try (HttpConn conn = new HttpConn(Suite.HOST, b.port(), 600_000)) {
            return conn.exchange(HttpConn.request("POST", Suite.HOST, b.port(), "/api/pipelines?activate=true", "application/yaml",
                    yaml, BraidProcess.ADMIN_KEY), false);
        }
    }

    void run() throws IOException, InterruptedException {
        BraidProcess.Launch launch = new BraidProcess.Launch.Jar(List.of());
        Path big = Files.createTempDirectory("braid-bench-deploys-");
        try {
            String last = null;
            try (BraidProcess b = BraidProcess.start(launch, List.of(), env, logDir, big)) {
                starts.add(new Start("first start, nothing stored", b.awaitFirstInvoke(Duration.ofSeconds(120)).toMillis() / 1000.0));
                long end = System.nanoTime() + plan.budget().toNanos();
                for (int k = 0; k < plan.maxBig(); k++) {
                    if (System.nanoTime() > end) {
                        stoppedBecause = "the " + plan.budget().toSeconds() + " s budget was spent";
                        break;
                    }
                    String yaml = pipeline("bench-big-" + k, plan.big());
                    long t0 = System.nanoTime();
                    HttpConn.Response r;
                    try {
                        r = deploy(b, yaml);
                    } catch (IOException e) {
                        stoppedBecause = "deploy " + (k + 1) + " failed: " + e.getMessage();
                        break;
                    }
                    deploys.add(new Deploy(k * plan.big(), plan.big(), yaml.length(), (System.nanoTime() - t0) / 1e6, r.status()));
                    if (r.status() / 100 != 2) {
                        stoppedBecause = "deploy " + (k + 1) + " answered " + r.status() + ": " + r.text().replace('|', '/');
                        break;
                    }
                    last = "bench-big-" + k;
                }
            }
            if (last != null) {
                int stored = deploys.stream().filter(x -> x.status() / 100 == 2).mapToInt(Deploy::steps).sum();
                String what = "restart with " + stored / plan.big() + " pipelines of " + plan.big() + " steps (" + stored + " steps)";
                try (BraidProcess b = BraidProcess.start(launch, List.of(), env, logDir, big)) {
                    starts.add(new Start(what, b.awaitFirst(last, RESTART_LIMIT).toMillis() / 1000.0));
                } catch (IllegalStateException tooSlow) {
                    // a restart that does not answer in time is a figure too (> the limit), not a reason to lose the run
                    starts.add(new Start(what + ": no 200 within " + RESTART_LIMIT.toSeconds() + " s", Double.POSITIVE_INFINITY));
                }
            }
        } finally {
            delete(big);
        }
        Path small = Files.createTempDirectory("braid-bench-restart-");
        try {
            String last = "bench-small-" + (plan.pipelines() - 1);
            try (BraidProcess b = BraidProcess.start(launch, List.of(), env, logDir, small)) {
                b.awaitFirstInvoke(Duration.ofSeconds(120));
                for (int i = 0; i < plan.pipelines(); i++) {
                    HttpConn.Response r = deploy(b, pipeline("bench-small-" + i, plan.smallSteps()));
                    if (r.status() / 100 != 2) {
                        throw new IllegalStateException("deploy of bench-small-" + i + " answered " + r.status() + ": " + r.text());
                    }
                }
            }
            String what = "restart with " + plan.pipelines() + " pipelines of " + plan.smallSteps() + " steps";
            try (BraidProcess b = BraidProcess.start(launch, List.of(), env, logDir, small)) {
                starts.add(new Start(what, b.awaitFirst(last, RESTART_LIMIT).toMillis() / 1000.0));
            } catch (IllegalStateException tooSlow) {
                starts.add(new Start(what + ": no 200 within " + RESTART_LIMIT.toSeconds() + " s", Double.POSITIVE_INFINITY));
            }
        } finally {
            delete(small);
        }
    }

    /** The 1,000-step deploy with the most steps already loaded (the last one that answered 2xx). */
    java.util.Optional<Deploy> largest() {
        return deploys.stream().filter(d -> d.status() / 100 == 2).max(Comparator.comparingInt(Deploy::loadedSteps));
    }

    java.util.Optional<Start> restartWithPipelines() {
        return starts.stream().filter(s -> s.what().startsWith("restart with " + plan.pipelines() + " pipelines of " + plan.smallSteps()))
                .findFirst();
    }

    Plan plan() {
        return plan;
    }

    Section section() {
        StringBuilder sb = new StringBuilder("Issue #13 item 3. A fresh server (`java -jar braid-server.jar`, H2), then pipelines of "
                + plan.big() + " `transform` steps deployed and activated one after another (`POST /api/pipelines?activate=true`), "
                + "each call timed; then restarts on the same database, timed from launch until a stored pipeline answered 200.\n\n"
                + "| deploy | steps already loaded | size KB | call ms | status |\n|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < deploys.size(); i++) {
            Deploy d = deploys.get(i);
            sb.append("| ").append(i + 1).append(" | ").append(String.format(Locale.ROOT, "%,d", d.loadedSteps())).append(" | ")
                    .append(d.bytes() / 1024).append(" | ").append(String.format(Locale.ROOT, "%.0f", d.millis())).append(" | ")
                    .append(d.status()).append(" |\n");
        }
        if (!stoppedBecause.isEmpty()) {
            sb.append("\nThe series stopped early: ").append(stoppedBecause).append(".\n");
        }
        sb.append("\n| start | s to first 200 |\n|---|---:|\n");
        for (Start s : starts) {
            sb.append("| ").append(s.what()).append(" | ").append(Double.isInfinite(s.seconds())
                    ? "> " + RESTART_LIMIT.toSeconds() : String.format(Locale.ROOT, "%.2f", s.seconds())).append(" |\n");
        }
        return new Section("Deploy and restart cost", sb.toString());
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
