package dev.braid.server.models;

import dev.braid.components.model.api.DurationText;
import dev.braid.components.model.api.ModelDelta;
import dev.braid.components.model.api.ModelException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import dev.braid.components.model.gateway.ModelGateway;
import dev.braid.components.model.routing.FallbackTrigger;
import dev.braid.components.model.routing.ModelRouter;
import dev.braid.components.model.routing.RoutingPolicy;
import dev.braid.components.model.routing.RoutingStrategy;
import dev.braid.engine.runtime.PipelineRuntime;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Resolves {@code model} names of the OpenAI-compatible API: {@code pipeline/<name>} (an active
 * pipeline), an alias from {@code braid.models.aliases}, or {@code <provider>/<model>} for any
 * provider the runtime's {@code model:} component knows. Calls go through that component's own
 * router, so pipelines and the OpenAI API share providers, prices, latency stats and retries.
 * Aliases are checked once at startup: a bad alias stops the server with its name in the message.
 */
@Singleton
public final class ChatModels {

    public static final String PIPELINE_PREFIX = "pipeline/";

    private final PipelineRuntime runtime;
    private final ModelGateway models;
    private final Map<String, RoutingPolicy> aliases;

    public ChatModels(PipelineRuntime runtime, ModelGateway models, List<ModelAliasConfiguration> aliases) {
        this.runtime = runtime;
        this.models = models;
        Map<String, RoutingPolicy> byName = new TreeMap<>();
        for (ModelAliasConfiguration alias : aliases) {
            byName.put(alias.name(), policyOf(alias));
        }
        this.aliases = Collections.unmodifiableMap(byName);
    }

    public ModelRouter router() {
        return models.router();
    }

    public PipelineRuntime runtime() {
        return runtime;
    }

    /** Alias names with their policies, by name. */
    public Map<String, RoutingPolicy> aliases() {
        return aliases;
    }

    /** A streamed routed call: deltas of the target that answered; fallback only before the first one. */
    public CompletionStage<ModelResponse> stream(ModelRequest request, RoutingPolicy policy, Consumer<ModelDelta> sink) {
        return router().routeStream(request, policy, sink);
    }

    /** @throws ModelException.ModelNotFound (404 {@code model_not_found}) for an unknown name */
    public ChatTarget resolve(String model) {
        if (model.startsWith(PIPELINE_PREFIX)) {
            String name = model.substring(PIPELINE_PREFIX.length());
            if (runtime.activeVersion(name).isEmpty()) {
                throw notFound(model);
            }
            return new ChatTarget.Pipeline(name);
        }
        RoutingPolicy alias = aliases.get(model);
        if (alias != null) {
            return new ChatTarget.Routed(alias);
        }
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            String provider = model.substring(0, slash);
            if (router().providers().find(provider).isPresent()) {
                return new ChatTarget.Routed(RoutingPolicy.single(Target.of(provider, model.substring(slash + 1))));
            }
        }
        throw notFound(model);
    }

    private static ModelException.ModelNotFound notFound(String model) {
        String shown = model.length() > 100 ? model.substring(0, 100) + "…" : model;
        return new ModelException.ModelNotFound("The model '" + shown + "' does not exist; GET /v1/models lists "
                + "the models this gateway serves (<provider>/<model>, aliases, pipeline/<name>)");
    }

    private static RoutingPolicy policyOf(ModelAliasConfiguration alias) {
        String where = "braid.models.aliases." + alias.name();
        try {
            RoutingStrategy strategy = alias.strategy() == null
                    ? RoutingStrategy.FALLBACK
                    : RoutingStrategy.fromYamlName(alias.strategy());
            List<Target> targets = new ArrayList<>();
            for (Map<String, Object> t : alias.targets() == null ? List.<Map<String, Object>>of() : alias.targets()) {
                Object provider = t.get("provider");
                Object model = t.get("model");
                if (provider == null || model == null) {
                    throw new IllegalArgumentException("every target needs provider and model");
                }
                Map<String, String> options = new LinkedHashMap<>();
                t.forEach((k, v) -> {
                    if (!"provider".equals(k) && !"model".equals(k) && v != null) {
                        options.put(k, String.valueOf(v));
                    }
                });
                targets.add(new Target(String.valueOf(provider), String.valueOf(model), options));
            }
            Duration timeout = alias.timeout() == null ? null : DurationText.parse(alias.timeout());
            Set<FallbackTrigger> on = null;
            if (alias.on() != null) {
                if (alias.on().isEmpty()) {
                    throw new IllegalArgumentException("on needs at least one of " + FallbackTrigger.YAML_NAMES);
                }
                on = EnumSet.noneOf(FallbackTrigger.class);
                for (String name : alias.on()) {
                    on.add(FallbackTrigger.fromYamlName(String.valueOf(name).trim()));
                }
            }
            return new RoutingPolicy(strategy, targets, timeout, alias.retries() == null ? 0 : alias.retries(), on);
        } catch (RuntimeException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }
}
