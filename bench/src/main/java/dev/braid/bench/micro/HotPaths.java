package dev.braid.bench.micro;

import dev.braid.components.mask.MaskPolicy;
import dev.braid.components.mask.MaskVault;
import dev.braid.components.mask.Masker;
import dev.braid.components.model.api.ProviderRegistry;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.camel.ModelComponent;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.template.Template;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The per-request pieces of a pipeline step outside any I/O: template, mask, routing decision. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HotPaths {

    /** About 2 KB of customer text with an email, a phone number, a card number and an IBAN in it. */
    public static final String PROMPT_2K;

    static {
        String para = "Hello, my order 4711 arrived damaged and I would like a replacement as soon as possible. "
                + "The box was crushed on one side and the lamp inside has a crack along its base. ";
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 1800) {
            sb.append(para);
        }
        sb.append("Reach me at jane.doe@example.com or +1 415 555 0100; refund to card 4111 1111 1111 1111 "
                + "or IBAN DE89 3704 0044 0532 0130 00. Thanks!");
        PROMPT_2K = sb.toString();
    }

    private Template template;
    private Function<String, Object> roots;
    private Masker masker;
    private ScheduledExecutorService scheduler;
    private ModelRouter router;
    private RoutingPolicy fallback;
    private RoutingPolicy weighted;
    private RoutingPolicy leastLatency;

    @Setup(Level.Trial)
    public void setUp() {
        template = Template.parse("You answer customers of {{input.company}} politely. Customer {{input.customer.name}} "
                + "(tier {{input.customer.tier}}) wrote: {{input.text}}. Earlier step said: {{steps.classify.label}}.");
        Map<String, Object> input = Map.of("company", "ACME", "text", "The lamp arrived cracked.",
                "customer", Map.of("name", "Jane", "tier", "gold"));
        Map<String, Object> steps = Map.of("classify", Map.of("label", "complaint", "score", 0.93));
        roots = root -> switch (root) {
            case "input" -> input;
            case "steps" -> steps;
            default -> null;
        };
        masker = new Masker(new MaskPolicy(List.of("EMAIL", "PHONE", "CREDIT_CARD", "IBAN"), Map.of(), true));
        scheduler = ModelComponent.newScheduler(1);
        router = new ModelRouter(new ProviderRegistry(), PriceTable.standard(), scheduler);
        List<Target> targets = List.of(new Target("openai", "gpt-4o-mini", Map.of(ModelRouter.WEIGHT_OPTION, "3")),
                new Target("anthropic", "claude-3-5-haiku-latest", Map.of(ModelRouter.WEIGHT_OPTION, "1")),
                new Target("mock", "backup", Map.of(ModelRouter.WEIGHT_OPTION, "1")));
        fallback = new RoutingPolicy(RoutingStrategy.FALLBACK, targets, Duration.ofSeconds(10), 1);
        weighted = new RoutingPolicy(RoutingStrategy.WEIGHTED, targets, Duration.ofSeconds(10), 1);
        leastLatency = new RoutingPolicy(RoutingStrategy.LEAST_LATENCY, targets, Duration.ofSeconds(10), 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
    }

    @Benchmark
    public String templateRender() {
        return template.renderString(roots);
    }

    @Benchmark
    public Template templateParse() {
        return Template.parse("Customer {{input.customer.name}} wrote: {{input.text}}");
    }

    @Benchmark
    public String mask2kPrompt() {
        return masker.mask(PROMPT_2K, new MaskVault());
    }

    @Benchmark
    public List<Target> routeFallback() {
        return router.plan(fallback);
    }

    @Benchmark
    public List<Target> routeWeighted() {
        return router.plan(weighted);
    }

    @Benchmark
    public List<Target> routeLeastLatency() {
        return router.plan(leastLatency);
    }
}
