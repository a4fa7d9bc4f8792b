package dev.braid.server.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.components.model.api.ModelTask;
import dev.braid.components.model.mock.MockProvider;
import dev.braid.components.model.pricing.PriceTable;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.Step;
import dev.braid.engine.spec.StepSpec;
import dev.braid.server.providers.ConfiguredProviders;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What {@code GET /v1/models} lists, in this order:
 * <ol>
 *   <li>provider models: every {@code provider/model} of the shipped price table whose provider is
 *       registered (so a provider without credentials lists nothing), the models a configured
 *       provider names in {@code braid.providers.<name>.models}, and {@code mock/any} (the mock
 *       answers any model name);</li>
 *   <li>aliases from {@code braid.models.aliases};</li>
 *   <li>{@code pipeline/<name>} for every <em>chat-shaped</em> pipeline with an active version.</li>
 * </ol>
 *
 * <p>A pipeline is chat-shaped when its input schema requires {@code messages} of type
 * {@code array} and its output has {@code text}. Output shape is not declared in the pipeline
 * language, so "has text" is read from the last top-level step: a {@code model} step of task chat
 * or vision (whose output always has {@code text}), or a {@code transform}/{@code aggregate} whose
 * JSONata builds an object with a {@code "text"} key. Any active pipeline can still be called as
 * {@code pipeline/<name>}; the listing is what a chat client can be expected to use.
 */
@Singleton
public final class ModelListing {

    /** One listed model; {@code created} is epoch seconds. */
    public record Entry(String id, long created, String ownedBy) {}

    private static final Pattern TEXT_KEY = Pattern.compile("[\"']text[\"']\\s*:");

    private final ChatModels models;
    private final List<String> pricedModels;
    private final Map<String, List<String>> configuredModels;
    private final long started = System.currentTimeMillis() / 1000;

    public ModelListing(ChatModels models, ObjectMapper json, ConfiguredProviders configured) {
        this.models = models;
        this.pricedModels = pricedModels(json);
        this.configuredModels = configured.models();
    }

    public List<Entry> entries() {
        Set<String> providers = models.router().providers().names();
        Set<String> seen = new LinkedHashSet<>();
        List<Entry> entries = new ArrayList<>();
        for (String key : pricedModels) {
            String provider = key.substring(0, key.indexOf('/'));
            if (providers.contains(provider) && seen.add(key)) {
                entries.add(new Entry(key, started, provider));
            }
        }
        configuredModels.forEach((provider, names) -> {
            if (providers.contains(provider)) {
                for (String name : names) {
                    if (seen.add(provider + "/" + name)) {
                        entries.add(new Entry(provider + "/" + name, started, provider));
                    }
                }
            }
        });
        if (providers.contains(MockProvider.NAME) && seen.add(MockProvider.NAME + "/any")) {
            entries.add(new Entry(MockProvider.NAME + "/any", started, MockProvider.NAME));
        }
        for (String alias : models.aliases().keySet()) {
            if (seen.add(alias)) {
                entries.add(new Entry(alias, started, "braid"));
            }
        }
        for (String name : models.runtime().pipelineNames()) {
            models.runtime().activeDeployed(name)
                    .filter(v -> isChatShaped(v.spec()))
                    .ifPresent(v -> entries.add(new Entry(ChatModels.PIPELINE_PREFIX + name, started, "braid")));
        }
        return entries;
    }

    static boolean isChatShaped(PipelineSpec spec) {
        return requiresMessagesArray(spec.input()) && outputHasText(spec.steps());
    }

    private static boolean requiresMessagesArray(Map<String, Object> input) {
        if (input == null || !(input.get("required") instanceof List<?> required) || !required.contains("messages")) {
            return false;
        }
        return input.get("properties") instanceof Map<?, ?> props
                && props.get("messages") instanceof Map<?, ?> messages
                && "array".equals(messages.get("type"));
    }

    private static boolean outputHasText(List<StepSpec> steps) {
        if (steps.isEmpty()) {
            return false;
        }
        Step last = steps.get(steps.size() - 1).step();
        if (last instanceof Step.Model m) {
            ModelTask task = m.task() == null ? ModelTask.CHAT : m.task();
            return task == ModelTask.CHAT || task == ModelTask.VISION;
        }
        if (last instanceof Step.Transform t) {
            return t.jsonata() != null && TEXT_KEY.matcher(t.jsonata()).find();
        }
        if (last instanceof Step.Aggregate a) {
            return a.jsonata() != null && TEXT_KEY.matcher(a.jsonata()).find();
        }
        return false;
    }

    /** {@code provider/model} keys of the shipped price table, without {@code provider/*} wildcards. */
    private static List<String> pricedModels(ObjectMapper json) {
        try (InputStream in = PriceTable.class.getResourceAsStream(PriceTable.RESOURCE)) {
            if (in == null) {
                return List.of();
            }
            JsonNode prices = json.readTree(in).path("prices");
            Set<String> keys = new TreeSet<>();
            for (Iterator<String> it = prices.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (key.indexOf('/') > 0 && !key.endsWith("/*")) {
                    keys.add(key);
                }
            }
            return List.copyOf(keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
