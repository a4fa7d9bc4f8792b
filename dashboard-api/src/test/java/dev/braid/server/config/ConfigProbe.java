package dev.braid.server.config;

import dev.braid.server.enrich.EnrichConfiguration;
import dev.braid.server.models.ModelAliasConfiguration;
import dev.braid.server.runtime.CamelConfiguration;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * Run in a child JVM by ConfigFileTest: chooses the config file as BraidServer does, starts the
 * application context (no HTTP server) and prints what the server would bind, one {@code key=value} a line.
 */
public final class ConfigProbe {

    public static void main(String[] args) {
        String[] rest;
        try {
            rest = ConfigFile.choose(args, System.getenv(), Path.of("")).apply(System.getenv());
        } catch (IllegalArgumentException e) {
            System.out.println("error=" + e.getMessage());
            System.exit(2);
            return;
        }
        try (ApplicationContext ctx = ApplicationContext.builder().args(rest).deduceEnvironment(false).start()) {
            System.out.println("config-files=" + System.getProperty("micronaut.config.files"));
            System.out.println("allowed-hosts=" + ctx.getBean(EnrichConfiguration.class).allowedHosts());
            System.out.println("allowed-schemes=" + new TreeSet<>(ctx.getBean(CamelConfiguration.class).allowedSchemes()));
            System.out.println("aliases=" + new TreeSet<>(ctx.getBeansOfType(ModelAliasConfiguration.class).stream()
                    .map(ModelAliasConfiguration::name).toList()));
        }
        System.exit(0);
    }
}
