package dev.braid.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code braid}: validates, deploys, activates, rolls back and invokes pipelines over Braid's HTTP API,
 * for people and for CI/CD. The options here apply to every subcommand, before or after its name.
 */
@Command(
        name = "braid",
        description = "Validate, deploy, activate, roll back and invoke Braid pipelines over the HTTP API.",
        usageHelpAutoWidth = true,
        subcommands = {
            ValidateCommand.class,
            DeployCommand.class,
            VersionsCommand.class,
            DiffCommand.class,
            ActivateCommand.class,
            RollbackCommand.class,
            InvokeCommand.class,
            HistoryCommand.class,
            AuditCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the server refused the request (4xx): invalid pipeline (printed as FILE:LINE:COLUMN: PATH: MESSAGE),"
                    + " unknown pipeline or version, missing or refused key",
            "2:usage error: bad arguments or options, unreadable file, --input not a JSON object",
            "3:the server is unreachable, timed out, or failed (5xx)",
            "4:invoke only: the pipeline ran and a provider failed it (upstream_error: 502 provider error, 503,"
                    + " 504 provider timeout)"
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  BRAID_SERVER  --server when not given (else http://localhost:8080)",
            "  BRAID_KEY     --key when not given"
        })
public final class BraidCli implements Callable<Integer> {

    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "Braid server URL (env BRAID_SERVER, default " + DEFAULT_SERVER + ")")
    String server;

    @Option(
            names = "--key",
            paramLabel = "KEY",
            scope = ScopeType.INHERIT,
            description = "API key, sent as Authorization: Bearer KEY (env BRAID_KEY)")
    String key;

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "machine output: the server's JSON on stdout (errors too), nothing else")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            scope = ScopeType.INHERIT,
            defaultValue = "60",
            description = "how long to wait for an answer (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            scope = ScopeType.INHERIT,
            description = "show this help and exit")
    boolean help;

    private final Map<String, String> env;

    public BraidCli(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /**
     * The whole CLI, wired: environment defaults, exit codes for failures. Tests call this with their
     * own environment and writers; {@link #main} with the real ones.
     */
    public static CommandLine commandLine(Map<String, String> env) {
        CommandLine cli = new CommandLine(new BraidCli(env));
        // picocli would read @FILE arguments as argument files; here --input @FILE means a JSON file
        cli.setExpandAtFiles(false);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (e instanceof CliFailure failure) {
                err.println("braid: " + failure.getMessage());
                err.flush();
                return failure.exit().code();
            }
            err.println("braid: unexpected error: " + e);
            err.flush();
            return Exit.REFUSED.code();
        });
        cli.setDefaultValueProvider(arg -> environmentDefault(arg, env));
        return cli;
    }

    private static String environmentDefault(ArgSpec arg, Map<String, String> env) {
        if (arg instanceof OptionSpec option) {
            return switch (option.longestName()) {
                case "--server" -> env.getOrDefault("BRAID_SERVER", DEFAULT_SERVER);
                case "--key" -> env.get("BRAID_KEY");
                default -> null;
            };
        }
        return null;
    }

    ApiClient client() {
        String url = server == null || server.isBlank() ? env.getOrDefault("BRAID_SERVER", DEFAULT_SERVER) : server;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(Exit.USAGE, "--server: not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new CliFailure(Exit.USAGE, "--server: expected an http:// or https:// URL, got " + url);
        }
        if (timeoutSeconds < 1) {
            throw new CliFailure(Exit.USAGE, "--timeout: must be 1 or more seconds");
        }
        String k = key != null ? key : env.get("BRAID_KEY");
        return new ApiClient(uri, k, Duration.ofSeconds(timeoutSeconds));
    }

    boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        // `braid` alone is a usage error: say what it can do
        spec.commandLine().usage(spec.commandLine().getErr());
        return Exit.USAGE.code();
    }
}
