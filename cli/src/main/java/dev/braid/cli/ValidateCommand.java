package dev.braid.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code braid validate FILE…}: the server checks each file and stores nothing. */
@Command(
        name = "validate",
        description = {
            "Check pipeline files on the server without storing anything.",
            "Each problem is printed as FILE:LINE:COLUMN: PATH: MESSAGE; exit 1 if any file is invalid."
        })
final class ValidateCommand extends ApiCommand {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "pipeline YAML files")
    List<Path> files;

    @Option(names = "--camel", description = "also print the Camel YAML DSL each valid file compiles to")
    boolean camel;

    @Override
    Exit run(ApiClient client) {
        Exit worst = Exit.OK;
        ArrayNode report = JSON.createArrayNode();
        for (Path file : files) {
            String name = file.toString();
            ObjectNode entry = report.addObject().put("file", name);
            String yaml;
            try {
                yaml = readFile(file);
            } catch (CliFailure unreadable) {
                entry.put("valid", false).put("problem", unreadable.getMessage());
                err().println("braid: " + unreadable.getMessage());
                worst = worst.worse(unreadable.exit());
                continue;
            }
            ApiResponse response = client.post("/api/pipelines/validate", Map.of(), "application/yaml", yaml);
            if (!response.ok() && Problems.exitFor(response) != Exit.REFUSED) {
                // the server or the key failed, not the file: stop here, the remaining files would fail the same way
                String hint = hint(response);
                throw new CliFailure(Problems.exitFor(response),
                        Problems.describe(response) + (hint == null ? "" : "\nbraid: hint: " + hint));
            }
            entry.put("valid", response.ok()).put("status", response.status());
            entry.set("response", response.jsonOrMissing().isMissingNode() ? null : response.jsonOrMissing());
            if (response.ok()) {
                if (!json()) {
                    out().println(name + ": valid");
                    Problems.warnings(name, response.json()).forEach(err()::println);
                    if (camel) {
                        out().println(response.json().path("camel").asText(""));
                    }
                }
            } else {
                worst = worst.worse(Exit.REFUSED);
                if (!json()) {
                    Problems.located(name, response).forEach(err()::println);
                }
            }
        }
        if (json()) {
            out().println(report);
        }
        out().flush();
        err().flush();
        return worst;
    }
}
