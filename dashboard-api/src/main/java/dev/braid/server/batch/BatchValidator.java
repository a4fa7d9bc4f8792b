package dev.braid.server.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a batch input file line by line (never whole): each non-blank line must be a JSON object
 * {@code {"custom_id","method":"POST","url":<the batch's endpoint>,"body":{…}}} with a
 * {@code custom_id} not seen before. Good lines go to a consumer as they are read; every bad one
 * is reported with its 1-based line number (a duplicate at its second occurrence), up to
 * {@link #MAX_ERRORS}.
 */
final class BatchValidator {

    static final int MAX_ERRORS = 1000;
    /** A line's largest size: a live call's body may be 1 MiB, plus the line's envelope. */
    static final int MAX_LINE_BYTES = (1 << 20) + 4096;
    static final int MAX_CUSTOM_ID = 512;

    /** The endpoints a batch may run. */
    static final Pattern PIPELINE_ENDPOINT = Pattern.compile("/v1/pipelines/([a-z0-9][a-z0-9-]{0,62})/invoke");

    record Line(int line, String customId, String body, String target) {}

    record Problem(String code, String message, Integer line) {}

    private final ObjectMapper json;
    private final String endpoint;

    BatchValidator(ObjectMapper json, String endpoint) {
        this.json = json;
        this.endpoint = endpoint;
    }

    static boolean knownEndpoint(String endpoint) {
        return "/v1/chat/completions".equals(endpoint) || "/v1/embeddings".equals(endpoint)
                || (endpoint != null && PIPELINE_ENDPOINT.matcher(endpoint).matches());
    }

    /** Reads {@code in}; good lines go to {@code good}; returns the problems (empty: the file is good). */
    List<Problem> read(InputStream in, Consumer<Line> good) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        byte[] chunk = new byte[65536];
        int lineNo = 1;
        boolean tooLong = false;
        int lines = 0;
        int n;
        while (true) {
            n = in.read(chunk);
            if (n < 0) {
                break;
            }
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    if (!tooLong) {
                        buffer.write(chunk, start, i - start);
                    }
                    lines += check(lineNo, tooLong ? null : buffer.toByteArray(), seen, problems, good);
                    buffer.reset();
                    tooLong = false;
                    lineNo++;
                    start = i + 1;
                }
            }
            if (!tooLong) {
                buffer.write(chunk, start, n - start);
                if (buffer.size() > MAX_LINE_BYTES) {
                    tooLong = true;
                    buffer.reset();
                }
            }
        }
        if (tooLong || buffer.size() > 0) {
            lines += check(lineNo, tooLong ? null : buffer.toByteArray(), seen, problems, good);
        }
        if (lines == 0 && problems.isEmpty()) {
            problems.add(new Problem("empty_file", "the input file has no request lines", null));
        }
        return problems;
    }

    /** 1 when the line is a request (good or bad), 0 when blank. */
    private int check(int lineNo, byte[] bytes, Set<String> seen, List<Problem> problems, Consumer<Line> good) {
        if (bytes == null) {
            add(problems, "line_too_large", "line " + lineNo + " is larger than " + MAX_LINE_BYTES + " bytes", lineNo);
            return 1;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            add(problems, "invalid_encoding", "line " + lineNo + " is not UTF-8", lineNo);
            return 1;
        }
        if (text.isBlank()) {
            return 0;
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            add(problems, "invalid_json", "line " + lineNo + " is not valid JSON", lineNo);
            return 1;
        }
        if (node == null || !node.isObject()) {
            add(problems, "invalid_request", "line " + lineNo + " must be a JSON object", lineNo);
            return 1;
        }
        JsonNode customId = node.get("custom_id");
        if (customId == null || !customId.isTextual() || customId.asText().isEmpty()) {
            add(problems, "missing_custom_id", "line " + lineNo + " has no custom_id (a non-empty string)", lineNo);
            return 1;
        }
        String id = customId.asText();
        if (id.length() > MAX_CUSTOM_ID || id.indexOf('\0') >= 0) {
            add(problems, "invalid_custom_id", "line " + lineNo + ": custom_id must be at most " + MAX_CUSTOM_ID
                    + " characters without NUL", lineNo);
            return 1;
        }
        JsonNode method = node.get("method");
        if (method == null || !"POST".equals(method.asText())) {
            add(problems, "invalid_method", "line " + lineNo + ": method must be POST", lineNo);
            return 1;
        }
        JsonNode url = node.get("url");
        if (url == null || !endpoint.equals(url.asText())) {
            add(problems, "invalid_url", "line " + lineNo + ": url must be the batch's endpoint " + endpoint, lineNo);
            return 1;
        }
        JsonNode body = node.get("body");
        if (body == null || !body.isObject()) {
            add(problems, "invalid_body", "line " + lineNo + ": body must be a JSON object", lineNo);
            return 1;
        }
        if (!seen.add(id)) {
            add(problems, "duplicate_custom_id", "line " + lineNo + ": custom_id '" + shown(id)
                    + "' appears on an earlier line", lineNo);
            return 1;
        }
        if (problems.isEmpty()) {
            good.accept(new Line(lineNo, id, body.toString(), target(body)));
        }
        return 1;
    }

    /** What the line's concurrency is bounded by: the provider of its model, its alias, or its pipeline. */
    private String target(JsonNode body) {
        var pipeline = PIPELINE_ENDPOINT.matcher(endpoint);
        if (pipeline.matches()) {
            return "pipeline/" + pipeline.group(1);
        }
        String model = body.path("model").asText("");
        if (model.startsWith("pipeline/")) {
            return model.length() > 200 ? model.substring(0, 200) : model;
        }
        int slash = model.indexOf('/');
        String t = slash > 0 ? model.substring(0, slash) : model;
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    private static String shown(String id) {
        return id.length() > 100 ? id.substring(0, 100) + "…" : id;
    }

    private static void add(List<Problem> problems, String code, String message, int line) {
        if (problems.size() < MAX_ERRORS) {
            problems.add(new Problem(code, message, line));
        }
    }
}
