package dev.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Turns the server's refusals into lines a person, an editor and a CI annotator can read. */
public final class Problems {

    private Problems() {}

    /** Whose fault: a 4xx is the request's (1), anything else the server's (3). */
    public static Exit exitFor(ApiResponse response) {
        int status = response.status();
        return status >= 400 && status < 500 ? Exit.REFUSED : Exit.UNAVAILABLE;
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
