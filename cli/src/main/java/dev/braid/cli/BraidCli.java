package dev.braid.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code braid}: validates, deploys, activates, rolls back and invokes pipelines over Braid's HTTP API,
 * for people and for CI/CD. The options here apply to every subcommand, before or after its name.
 */
@Command(
        name = "braid",
        description = "Validate, deploy, activate, roll back and invoke Braid pipelines, and manage keys, over the"
                + " HTTP API.",
        usageHelpAutoWidth = true,
        subcommands = {
            ValidateCommand.class,
            DeployCommand.class,
            PipelinesCommand.class,
            VersionsCommand.class,
            DiffCommand.class,
            ActivateCommand.class,
            RollbackCommand.class,
            ReleaseCommand.class,
            InvokeCommand.class,
            HistoryCommand.class,
            AuditCommand.class,
            KeysCommand.class,
            ProvidersCommand.class,
            UsageCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the server refused the request (4xx other than 401, 403, 404): invalid pipeline (422, printed as"
                    + " FILE:LINE:COLUMN: PATH: MESSAGE), bad input (400), conflict (409), too large (413), limit (429);"
                    + " release status --watch: the release ended rolled back or aborted",
            "2:usage error: bad arguments or options, unreadable file, --input not a JSON object",
            "3:the server is unreachable, timed out, or failed (5xx)",
            "4:invoke only: the pipeline ran and a provider failed it (upstream_error: 502 provider error, 503,"
                    + " 504 provider timeout)",
            "5:never returned by the CLI (samples/ci/deploy-and-smoke.sh uses it for 'could not roll back')",
            "6:auth: no key, an unknown or revoked key (401), or a key not allowed to do this (403); a hint names"
                    + " the variable or flag the key came from",
            "7:not found (404): no such pipeline, version or key, or no running release",
            "8:invoke only: the pipeline itself failed, not a provider (a JSONata expression, a when, a require)"
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  BRAID_URL        --url when not given (else http://localhost:8080)",
            "  BRAID_SERVER     deprecated name of BRAID_URL, read when BRAID_URL is unset",
            "  BRAID_KEY        --key when not given",
            "  BRAID_ADMIN_KEY  the key when neither --key nor BRAID_KEY is given"
        })
public final class BraidCli implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"--url", "--server"},
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "Braid server URL (env BRAID_URL, then the deprecated BRAID_SERVER; default "
                    + Connection.DEFAULT_URL + "). --server is the old name of --url.")
    String url;

    @Option(
            names = "--key",
            paramLabel = "KEY",
            scope = ScopeType.INHERIT,
            description = "API key, sent as Authorization: Bearer KEY (env BRAID_KEY, then BRAID_ADMIN_KEY)")
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
    private Connection connection;

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
        return cli;
    }

    /** Where to call and with which key; resolved once per run, so the client and a refusal's hint agree. */
    Connection connection() {
        if (connection == null) {
            connection = Connection.resolve(url, "--url", key, env);
        }
        return connection;
    }

    ApiClient client() {
        Connection c = connection();
        if (timeoutSeconds < 1) {
            throw new CliFailure(Exit.USAGE, "--timeout: must be 1 or more seconds");
        }
        return new ApiClient(c.url(), c.key(), Duration.ofSeconds(timeoutSeconds));
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
