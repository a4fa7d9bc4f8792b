package dev.braid.server.pipelines;

import dev.braid.engine.runtime.DeployedVersion;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.engine.spec.InvalidPipelineException;
import dev.braid.engine.spec.ValidationError;
import dev.braid.server.access.Actor;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Starts the pipelines. With the registry (the server): first every pipeline's active version
 * from the database, then the pipeline files (shipped and {@code braid.pipelines.dir}) whose
 * pipeline the database does not hold yet, deployed through the registry as their version 1.
 * Without it (plain runtime tests): the files as version 1. A pipeline that fails is logged with
 * its line, column and message, and the others still start: one bad file or stored version must
 * not take the gateway down.
 */
@Singleton
public class PipelineBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBootstrap.class);

    private final PipelineRuntime runtime;
    private final PipelinesConfiguration configuration;
    private final PipelineRegistry registry;

    /** Files only, into the runtime's memory. */
    public PipelineBootstrap(PipelineRuntime runtime, PipelinesConfiguration configuration) {
        this(runtime, configuration, null);
    }

    @Inject
    public PipelineBootstrap(
            PipelineRuntime runtime, PipelinesConfiguration configuration, @Nullable PipelineRegistry registry) {
        this.runtime = runtime;
        this.configuration = configuration;
        this.registry = registry;
    }

    @EventListener
    public void onStartup(StartupEvent event) {
        if (registry != null) {
            List<String> stored = registry.reconcileAll();
            LOG.info("Activated {} stored pipeline(s): {}", stored.size(), String.join(", ", stored));
        }
        deployAll();
    }

    /** Deploys and activates every startup pipeline; returns the names that are now active. */
    public List<String> deployAll() {
        List<PipelineSource> sources = new ArrayList<>();
        if (configuration.shipped()) {
            sources.addAll(PipelineSources.shipped(PipelineBootstrap.class.getClassLoader()));
        }
        if (configuration.dir() != null) {
            sources.addAll(PipelineSources.directory(configuration.dir()));
        }
        // a later source with the same pipeline name (the configured directory) replaces an earlier one
        Map<String, PipelineSource> byName = new LinkedHashMap<>();
        for (PipelineSource source : sources) {
            byName.remove(nameOf(source));
            byName.put(nameOf(source), source);
        }
        List<String> deployed = new ArrayList<>();
        byName.forEach((name, source) -> {
            // the database holds it already: its versions, not the file, decide what runs
            if (registry == null || !registry.exists(name)) {
                deploy(name, source).ifPresent(deployed::add);
            }
        });
        LOG.info("Deployed {} pipeline(s) from files at startup: {}", deployed.size(), String.join(", ", deployed));
        return deployed;
    }

    private Optional<String> deploy(String name, PipelineSource source) {
        try {
            if (registry != null) {
                Deployment deployment = registry.deploy(source.yaml(), "from " + source.origin(), true, Actor.STARTUP);
                return Optional.of(deployment.name());
            }
            DeployedVersion version = runtime.deploy(source.yaml(), 1);
            runtime.activate(version.name(), version.version());
            return Optional.of(version.name());
        } catch (InvalidPipelineException e) {
            if (needsAnEnrichAllowlist(source, e)) {
                // a shipped example that calls a local service (customer-lookup): expected with the default
                // allowlist, so not an error; the line says the one setting that deploys it
                LOG.info("Shipped pipeline {} not deployed: its enrich step calls a local service this server's "
                        + "braid.enrich.allowed-hosts does not open ({}); set BRAID_ENRICH_ALLOWED_HOSTS to run it",
                        name, e.errors().get(0).message());
                return Optional.empty();
            }
            for (ValidationError error : e.errors()) {
                LOG.error(
                        "Pipeline {} ({}) not deployed: line {}, column {}, {}: {}",
                        name,
                        source.origin(),
                        error.line(),
                        error.column(),
                        error.path(),
                        error.message());
            }
            if (e.errors().isEmpty()) {
                LOG.error("Pipeline {} ({}) not deployed: {}", name, source.origin(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("Pipeline {} ({}) not deployed: {}", name, source.origin(), e.toString(), e);
        }
        return Optional.empty();
    }

    private static boolean needsAnEnrichAllowlist(PipelineSource source, InvalidPipelineException e) {
        return source.origin().startsWith("classpath:") && !e.errors().isEmpty()
                && e.errors().stream().allMatch(v -> v.message().startsWith("enrich target refused"));
    }

    /** The {@code name:} of a pipeline file, or its origin when the file cannot be read that far. */
    private static String nameOf(PipelineSource source) {
        try {
            Object document = new Load(LoadSettings.builder().build()).loadFromString(source.yaml());
            if (document instanceof Map<?, ?> map && map.get("name") instanceof String name) {
                return name;
            }
        } catch (RuntimeException e) {
            // the runtime's reader reports the problem with line and column when it deploys
        }
        return source.origin();
    }
}
