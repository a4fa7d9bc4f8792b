package dev.braid.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** One answer from the server: status, content type (may be empty) and the body as text. */
public record ApiResponse(int status, String contentType, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The body as JSON; an unreadable body on a success is the server's fault. */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CliFailure(Exit.UNAVAILABLE, "the server answered " + status + " with a body that is not JSON");
        }
    }

    /** The body as JSON, or a missing node when it is not JSON (a proxy's HTML error page, say). */
    public JsonNode jsonOrMissing() {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** Braid's error object ({@code {"error":{type, code, message, …}}}), or a missing node. */
    public JsonNode error() {
        return jsonOrMissing().path("error");
    }

    /** True when the body is Braid's own error JSON rather than, say, a proxy's page. */
    public boolean isBraidError() {
        return error().isObject();
    }
}
