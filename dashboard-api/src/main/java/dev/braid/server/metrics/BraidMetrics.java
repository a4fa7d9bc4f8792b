package dev.braid.server.metrics;

import dev.braid.components.model.routing.ModelRouter;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.models.ChatModels;
import dev.braid.server.usage.UsageListener;
import dev.braid.server.usage.UsageRecord;
import dev.braid.server.usage.UsageRecorder;
import dev.braid.server.usage.UsageStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Braid's own Prometheus series, fed from usage records as they are captured (so metrics and the
 * usage table agree), plus gauges read at scrape time. Tags are bounded: pipeline and step names
 * come from deployed pipelines, models through {@link ModelTags}, statuses and error codes from
 * fixed sets; never a request id or user text. The {@code version} tag is bounded too: per pipeline,
 * only the newest {@value #MAX_VERSION_TAGS} versions seen get their own series (an older one is
 * {@code older}, and its series are removed when a newer version pushes it out), so a pipeline
 * redeployed all year does not grow the scrape; an undeployed pipeline's version is {@code none}.
 *
 * <ul>
 *   <li>{@code braid_request_seconds{source,pipeline,version,status}} (histogram)</li>
 *   <li>{@code braid_step_seconds{pipeline,version,step,status}} (histogram; model calls too)</li>
 *   <li>{@code braid_errors_total{source,type,status}}</li>
 *   <li>{@code braid_tokens_total{direction=input|output,provider,model}}</li>
 *   <li>{@code braid_cost_usd_total{provider,model}}</li>
 *   <li>{@code braid_pipeline_active_version{pipeline}}, {@code braid_circuit_state{target}}
 *       (0 closed, 1 half-open, 2 open, -1 disabled)</li>
 *   <li>{@code braid_usage_queue_depth}, {@code braid_usage_dropped_total}, {@code braid_usage_write_failed_total}</li>
 * </ul>
 */
@Context
public class BraidMetrics implements UsageListener {

    // fixed buckets: a handful of series per tag set instead of Micrometer's ~70 default ones
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)
    };

    /** Versions per pipeline with series of their own (a release compares two; history needs a few). */
    static final int MAX_VERSION_TAGS = 8;

    private final MeterRegistry registry;
    private final Map<String, java.util.TreeSet<Integer>> taggedVersions = new ConcurrentHashMap<>();
    private final PipelineRuntime runtime;
    private final ChatModels models;
    private final ModelTags modelTags;
    private final Set<String> pipelineGauges = ConcurrentHashMap.newKeySet();
    /** Circuit gauges by target; bounded by the router's circuits, which are (ModelRouter keeps at most 1,024). */
    private final Map<String, Gauge> circuitGauges = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public BraidMetrics(MeterRegistry registry, PipelineRuntime runtime, ChatModels models, UsageRecorder recorder) {
        this.registry = registry;
        this.runtime = runtime;
        this.models = models;
        this.modelTags = new ModelTags(models.router().prices());
        Gauge.builder("braid.usage.queue.depth", recorder, UsageRecorder::depth)
                .description("Usage records waiting for the database writer").register(registry);
        FunctionCounter.builder("braid.usage.dropped", recorder, UsageRecorder::dropped)
                .description("Usage records dropped because the queue was full").register(registry);
        FunctionCounter.builder("braid.usage.write.failed", recorder, UsageRecorder::failed)
                .description("Usage records lost because the database write failed").register(registry);
        refreshGauges();
    }

    @Override
    public void recorded(UsageRecord r) {
        String pipeline = pipelineTag(r.pipeline());
        String version = versionTag(pipeline, r.version());
        String status = UsageStatus.of(r.status()).map(UsageStatus::wire).orElse("other");
        if (r.kind() == UsageRecord.Kind.REQUEST) {
            timer("braid.request", "Requests through invoke and /v1, end to end",
                    "source", r.source(), "pipeline", pipeline, "version", version, "status", status)
                    .record(r.latencyMs(), TimeUnit.MILLISECONDS);
            if (!r.ok()) {
                counter("braid.errors", "Failed requests by error code and status",
                        "source", r.source(), "type", r.errorType() == null ? "unknown" : r.errorType(), "status", status)
                        .increment();
            }
            if (r.pipeline() != null && pipeline.equals(r.pipeline())) {
                ensurePipelineGauge(r.pipeline()); // deployed: a name from a caller's URL gets no gauge
            }
            return;
        }
        String step = r.step() == null ? "none" : r.step();
        timer("braid.step", "Pipeline steps and model calls",
                "pipeline", pipeline, "version", version, "step", step, "status", status)
                .record(r.latencyMs(), TimeUnit.MILLISECONDS);
        if (r.model() != null) {
            String provider = modelTags.provider(r.provider());
            String model = modelTags.tag(r.provider(), r.model());
            count("braid.tokens", "Tokens in and out of models", r.promptTokens(),
                    "direction", "input", "provider", provider, "model", model);
            count("braid.tokens", "Tokens in and out of models", r.completionTokens(),
                    "direction", "output", "provider", provider, "model", model);
            counter("braid.cost.usd", "Model cost in US dollars", "provider", provider, "model", model)
                    .increment(r.costUsd());
            if (!ModelTags.OTHER.equals(model) && !circuitGauges.containsKey(r.model())) {
                refreshGauges(); // the router has a circuit for this target now: show it without waiting
            }
        }
    }

    // Micrometer's builder + register sorts the tags and builds an id to find an existing meter on
    // every call; a lookup by name and tag values is a fraction of that (tags are bounded, see above)
    private Timer timer(String name, String description, String... tags) {
        List<String> key = key(name, tags);
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, k -> Timer.builder(name).description(description)
                .tags(tags).serviceLevelObjectives(BUCKETS).register(registry));
    }

    private Counter counter(String name, String description, String... tags) {
        List<String> key = key(name, tags);
        Counter counter = counters.get(key);
        return counter != null ? counter : counters.computeIfAbsent(key,
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private void count(String name, String description, long amount, String... tags) {
        counter(name, description, tags).increment(amount);
    }

    private static List<String> key(String name, String... tags) {
        String[] key = new String[tags.length + 1];
        key[0] = name;
        System.arraycopy(tags, 0, key, 1, tags.length);
        return Arrays.asList(key);
    }

    /** The version's tag: its number if among the pipeline's newest tagged versions, else {@code older}. */
    String versionTag(String pipelineTag, Integer version) {
        if (version == null || "none".equals(pipelineTag) || "unknown".equals(pipelineTag)) {
            return "none"; // an undeployed name's version came from a caller too
        }
        java.util.TreeSet<Integer> tagged = taggedVersions.computeIfAbsent(pipelineTag, p -> new java.util.TreeSet<>());
        Integer evicted = null;
        synchronized (tagged) {
            if (!tagged.contains(version)) {
                if (tagged.size() >= MAX_VERSION_TAGS) {
                    if (version < tagged.first()) {
                        return "older";
                    }
                    evicted = tagged.pollFirst();
                }
                tagged.add(version);
            }
        }
        if (evicted != null) {
            removeVersionSeries(pipelineTag, evicted.toString());
        }
        return version.toString();
    }

    /** Drops the series of a version pushed out of the tagged set; its later requests count as {@code older}. */
    private void removeVersionSeries(String pipeline, String version) {
        timers.entrySet().removeIf(e -> {
            List<String> k = e.getKey();
            if (tagValue(k, "pipeline").equals(pipeline) && tagValue(k, "version").equals(version)) {
                registry.remove(e.getValue());
                return true;
            }
            return false;
        });
    }

    private static String tagValue(List<String> key, String tag) {
        for (int i = 1; i + 1 < key.size(); i += 2) {
            if (key.get(i).equals(tag)) {
                return key.get(i + 1);
            }
        }
        return "";
    }

    // a name that is not deployed came from a caller's URL: one bucket for all of them
    private String pipelineTag(String name) {
        if (name == null) {
            return "none";
        }
        return runtime.activeVersion(name).isPresent() || pipelineGauges.contains(name) ? name : "unknown";
    }

    /** New pipelines and newly called targets get their gauges; values are read at scrape time. */
    @Scheduled(fixedDelay = "5s", initialDelay = "1s")
    synchronized void refreshGauges() {
        runtime.pipelineNames().forEach(this::ensurePipelineGauge);
        ModelRouter router = models.router();
        Set<String> targets = router.circuitStates().keySet();
        // a circuit the router forgot (an idle caller-chosen name pushed out) takes its gauge along
        circuitGauges.entrySet().removeIf(e -> {
            if (!targets.contains(e.getKey())) {
                registry.remove(e.getValue());
                return true;
            }
            return false;
        });
        for (String target : targets) {
            if (!circuitGauges.containsKey(target)) {
                String tag = modelTags.tag(target.contains("/") ? target.substring(0, target.indexOf('/')) : null, target);
                if (ModelTags.OTHER.equals(tag)) {
                    continue; // names past the model tag's cap share one tag: one gauge could not say whose state it is
                }
                circuitGauges.put(target, Gauge.builder("braid.circuit.state", router,
                                rt -> circuitValue(rt.circuitStates(), target))
                        .description("Circuit breaker per provider/model: 0 closed, 1 half-open, 2 open, -1 disabled")
                        .tag("target", tag)
                        .register(registry));
            }
        }
    }

    private void ensurePipelineGauge(String name) {
        if (pipelineGauges.add(name)) {
            Gauge.builder("braid.pipeline.active.version", runtime, rt -> rt.activeVersion(name).orElse(0))
                    .description("The active version of each pipeline (0: none)")
                    .tag("pipeline", name)
                    .register(registry);
        }
    }

    private static double circuitValue(Map<String, String> states, String target) {
        String state = states.get(target);
        if (state == null) {
            return Double.NaN;
        }
        return switch (state) {
            case "CLOSED" -> 0;
            case "HALF_OPEN" -> 1;
            case "OPEN" -> 2;
            default -> -1;
        };
    }
}
