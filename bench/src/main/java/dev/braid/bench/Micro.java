package dev.braid.bench;

import dev.braid.bench.Suite.Section;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH micro-benchmarks (forked as their annotations say; {@code quick}: in-process, 100 ms each). */
final class Micro {

    private Micro() {
    }

    static final List<String> INCLUDES = List.of("dev\\.braid\\.bench\\.micro\\..*", "dev\\.braid\\.server\\.openai\\.OpenAiMapping.*");

    record Score(String benchmark, double micros, double error) {
    }

    static List<Score> run(boolean quick) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        INCLUDES.forEach(options::include);
        if (quick) {
            options.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        }
        Options built = options.shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(built).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            scores.add(new Score(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        scores.sort(Comparator.comparing(Score::benchmark));
        return scores;
    }

    static Section section(List<Score> scores) {
        StringBuilder sb = new StringBuilder("JMH 1.37, average time per operation, 1 fork, 3 × 1 s warm-up and 3 × 1 s measurement "
                + "(`bench/run.sh` runs them after the load scenarios, when the machine is quiet again).\n\n"
                + "| benchmark | what | µs/op | ± (99.9 %) |\n|---|---|---:|---:|\n");
        for (Score s : scores) {
            sb.append("| ").append(s.benchmark()).append(" | ").append(what(s.benchmark())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", s.micros())).append(" | ")
                    .append(Double.isNaN(s.error()) ? "–" : String.format(Locale.ROOT, "%.3f", s.error())).append(" |\n");
        }
        return new Section("Micro-benchmarks (JMH)", sb.toString());
    }

    private static String what(String benchmark) {
        return switch (benchmark.substring(benchmark.indexOf('.') + 1)) {
            case "templateRender" -> "engine `Template.renderString`, 4 references into input and steps";
            case "templateParse" -> "engine `Template.parse` of a 2-reference template";
            case "mask2kPrompt" -> "components `Masker.mask` of a 2 KB prompt (email, phone, card, IBAN), new vault";
            case "routeFallback" -> "`ModelRouter.plan`, fallback, 3 targets";
            case "routeWeighted" -> "`ModelRouter.plan`, weighted, 3 targets";
            case "routeLeastLatency" -> "`ModelRouter.plan`, least-latency, 3 targets";
            case "readRequest" -> "OpenAI front door: request bytes → `ChatCompletionRequest` → `ModelRequest` (4 messages)";
            case "writeCompletion" -> "OpenAI front door: answer → `chat.completion` JSON bytes (`ChatWire`)";
            default -> "";
        };
    }
}
