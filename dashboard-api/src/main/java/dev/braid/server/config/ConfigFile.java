package dev.braid.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the one config file and hands it to Micronaut as {@code micronaut.config.files}, so that
 * {@code java -jar braid-server.jar} reads the same file as the launcher ({@code bin/braid-server}, which
 * maps {@code BRAID_CONFIG} to {@code MICRONAUT_CONFIG_FILES}). In order: {@code --config <file>} (or
 * {@code --config=<file>}), {@code BRAID_CONFIG}, {@code ./braid.yml} when it exists. An explicit
 * {@code MICRONAUT_CONFIG_FILES} or {@code -Dmicronaut.config.files} wins over all three, as in the launcher.
 * A named file that does not exist stops the start: a typo must not silently run on defaults.
 */
public record ConfigFile(Optional<Path> file, List<String> remainingArgs) {

    public static final String DEFAULT_NAME = "braid.yml";
    static final String PROPERTY = "micronaut.config.files";

    /** What to load, from the command line, the environment and the working directory. */
    public static ConfigFile choose(String[] args, Map<String, String> env, Path workingDirectory) {
        List<String> rest = new ArrayList<>();
        String named = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ("--config".equals(a)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file: --config braid.yml");
                }
                named = args[++i];
            } else if (a.startsWith("--config=")) {
                named = a.substring("--config=".length());
            } else {
                rest.add(a);
            }
        }
        if (named == null) {
            String fromEnv = env.get("BRAID_CONFIG");
            named = fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
        }
        if (named != null) {
            Path p = workingDirectory.resolve(named);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("the config file " + p + " does not exist (from --config or BRAID_CONFIG)");
            }
            return new ConfigFile(Optional.of(p.toAbsolutePath().normalize()), List.copyOf(rest));
        }
        Path local = workingDirectory.resolve(DEFAULT_NAME);
        return new ConfigFile(
                Files.isRegularFile(local) ? Optional.of(local.toAbsolutePath().normalize()) : Optional.empty(),
                List.copyOf(rest));
    }

    /** Sets {@code micronaut.config.files} unless the caller set it (property or MICRONAUT_CONFIG_FILES); returns the args for Micronaut. */
    public String[] apply(Map<String, String> env) {
        boolean explicit = System.getProperty(PROPERTY) != null
                || (env.get("MICRONAUT_CONFIG_FILES") != null && !env.get("MICRONAUT_CONFIG_FILES").isBlank());
        if (!explicit) {
            file.ifPresent(p -> System.setProperty(PROPERTY, p.toString()));
        }
        return remainingArgs.toArray(String[]::new);
    }
}
