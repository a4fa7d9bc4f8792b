package dev.braid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the client, the writers, and how a refusal is reported. */
abstract class ApiCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        return run(root().client()).code();
    }

    /** The top command, whose options (--url, --key, --json, --timeout) every subcommand inherits, at any depth. */
    BraidCli root() {
        return (BraidCli) spec.root().userObject();
    }

    abstract Exit run(ApiClient client);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return root().json();
    }

    /**
     * Reports a non-2xx answer: one line on stderr; with {@code --json} the server's body on stdout as
     * well, so a script can read the error's code. Returns the exit code it deserves.
     */
    Exit refused(ApiResponse response) {
        if (json()) {
            printJson(response);
        }
        err().println("braid: " + Problems.describe(response));
        String hint = hint(response);
        if (hint != null) {
            err().println("braid: hint: " + hint);
        }
        err().flush();
        return Problems.exitFor(response);
    }

    /** For a 401 or 403: which variable or flag the key came from and what to do; else null. */
    String hint(ApiResponse response) {
        return root().connection().authHint(response);
    }

    /** The body as compact JSON when it is JSON, else as is: what {@code --json} promises. */
    void printJson(ApiResponse response) {
        JsonNode node = response.jsonOrMissing();
        out().println(node.isMissingNode() ? response.body() : node.toString());
        out().flush();
    }

    static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    /** A pipeline file's text; an unreadable one is a usage error. */
    static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliFailure(Exit.USAGE, file + ": no such file");
        } catch (IOException e) {
            throw new CliFailure(Exit.USAGE, file + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
    }

    static String shortSha(JsonNode sha) {
        String s = sha.asText("");
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    static String version(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "-" : "v" + v.asText();
    }
}
