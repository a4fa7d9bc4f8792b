package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code braid deploy FILE}: stores the YAML as a new immutable version (and activates it if asked). */
@Command(
        name = "deploy",
        description = {
            "Store a pipeline file as a new immutable version.",
            "The first version of a pipeline becomes active; later ones only with --activate.",
            "Deploying the newest version's exact YAML again stores nothing (and still activates it",
            "with --activate). Invalid YAML is printed as FILE:LINE:COLUMN: PATH: MESSAGE (exit 1)."
        })
final class DeployCommand extends ApiCommand {

    @Parameters(paramLabel = "FILE", description = "the pipeline YAML file")
    Path file;

    @Option(names = "--activate", description = "make this version the active one (zero-drop switch)")
    boolean activate;

    @Option(names = {"-m", "--message"}, paramLabel = "M", description = "why this version exists (kept with it)")
    String message;

    @Override
    Exit run(ApiClient client) {
        String yaml = readFile(file);
        ApiResponse response = client.post(
                "/api/pipelines",
                ApiClient.query("message", message, "activate", activate ? "true" : null),
                "application/yaml",
                yaml);
        if (!response.ok()) {
            if (response.status() == 422 && !json()) {
                Problems.located(file.toString(), response).forEach(err()::println);
                err().flush();
                return Exit.REFUSED;
            }
            return refused(response);
        }
        JsonNode body = response.json();
        if (json()) {
            printJson(response);
            return Exit.OK;
        }
        String name = body.path("name").asText();
        String what = response.status() == 201 ? "deployed" : "unchanged (same YAML as the newest version)";
        String state = body.path("active").asBoolean(false)
                ? "active"
                : "not active (active: " + version(body.get("activeVersion")) + "; activate with: braid activate "
                        + name + " " + body.path("version").asText() + ")";
        out().println(name + " " + version(body.get("version")) + " " + what + ", sha256 "
                + shortSha(body.path("sha256")) + ", " + state);
        out().flush();
        Problems.warnings(file.toString(), body).forEach(err()::println);
        err().flush();
        return Exit.OK;
    }
}
