package dev.braid.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** One run of the CLI as {@code main} would run it, with its own environment and captured output. */
record CliRun(int exit, String out, String err) {

    static CliRun braid(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the test servers' admin key unless a test chooses its own (or none)
        Map<String, String> withKey = new java.util.HashMap<>(env);
        withKey.putIfAbsent("BRAID_KEY", ServerProcess.ADMIN_KEY);
        CommandLine cli = BraidCli.commandLine(withKey);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
