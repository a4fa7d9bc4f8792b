package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns the server's refusals into lines a person, an editor and a CI annotator can read. */
public final class Problems {

    private Problems() {}

    /**
     * Codes the server gives a step that failed for the pipeline's own reason (a JSONata expression, a
     * {@code when}, a {@code require}): today under type {@code pipeline_error} (422); servers before that
     * filed them under {@code upstream_error}, so the codes still decide for those.
     */
    private static final Set<String> PIPELINE_CODES = Set.of("step_failed", "required_step_failed", "enrich_refused");

    /**
     * Whose fault, read from the status and, when the body is Braid's own error, its type and code:
     * the key (6), a missing thing (7), the pipeline (8), a provider (4), the request (1), the server (3).
     * A proxy's 502 page is not a provider's fault: only Braid's {@code upstream_error} is.
     */
    public static Exit exitFor(ApiResponse response) {
        int status = response.status();
        JsonNode error = response.error();
        String type = error.path("type").asText("");
        String code = error.path("code").asText("");
        if (status == 401 || status == 403) {
            return Exit.AUTH;
        }
        if (response.isBraidError() && ("pipeline_error".equals(type) || PIPELINE_CODES.contains(code))) {
            return Exit.PIPELINE_FAILED;
        }
        if (status == 404) {
            return Exit.NOT_FOUND;
        }
        if (status >= 400 && status < 500) {
            return Exit.REFUSED;
        }
        return "upstream_error".equals(type) ? Exit.PROVIDER_FAILED : Exit.UNAVAILABLE;
    }

    /** One line: {@code 404 pipeline_not_found: no pipeline named 'x'}. */
    public static String describe(ApiResponse response) {
        JsonNode error = response.error();
        if (!error.isObject()) {
            return response.status() + " from the server (not a Braid answer"
                    + (response.contentType().isEmpty() ? "" : ", " + response.contentType()) + ")";
        }
        StringBuilder line = new StringBuilder().append(response.status());
        if (error.hasNonNull("code")) {
            line.append(' ').append(error.get("code").asText());
        }
        line.append(": ").append(error.path("message").asText("(no message)"));
        if (error.hasNonNull("param") && !error.get("param").asText().isEmpty()) {
            line.append(" [").append(error.get("param").asText()).append(']');
        }
        return line.toString();
    }

    /**
     * Each pipeline problem of a 422 as {@code FILE:LINE:COLUMN: PATH: MESSAGE}, the shape compilers
     * use, so editors jump to it and CI annotates the line. A refusal without located errors (413, say)
     * gives one {@code FILE: …} line.
     */
    public static List<String> located(String file, ApiResponse response) {
        List<String> lines = located(file, response.error().path("errors"), "");
        if (lines.isEmpty()) {
            lines.add(file + ": " + describe(response));
        }
        return lines;
    }

    /**
     * The {@code warnings} of an accepted deploy or validation (what deploys but will not work as
     * written, such as a target's unknown provider) as {@code FILE:LINE:COLUMN: warning: PATH: MESSAGE}.
     */
    public static List<String> warnings(String file, JsonNode body) {
        return located(file, body.path("warnings"), "warning: ");
    }

    private static List<String> located(String file, JsonNode problems, String kind) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : problems) {
            StringBuilder line = new StringBuilder(file);
            if (e.path("line").asInt(0) > 0) {
                line.append(':').append(e.get("line").asInt());
                if (e.path("column").asInt(0) > 0) {
                    line.append(':').append(e.get("column").asInt());
                }
            }
            line.append(": ").append(kind);
            String path = e.path("path").asText("");
            if (!path.isEmpty()) {
                line.append(path).append(": ");
            }
            lines.add(line.append(e.path("message").asText("")).toString());
        }
        return lines;
    }
}
