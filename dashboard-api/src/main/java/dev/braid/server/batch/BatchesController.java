package dev.braid.server.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.server.files.FileStore;
import dev.braid.server.files.Owner;
import dev.braid.server.files.StoredFile;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v1/batches} in OpenAI's shapes: create (the input file is validated and its lines
 * stored before the answer, so the batch comes back {@code in_progress} or {@code failed}), get,
 * list (newest first, {@code limit} and {@code after}) and cancel. A caller sees only its own
 * batches; admins see all.
 */
@Tag(name = "Batches", description = "OpenAI's Files and Batch APIs (invoker key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400), no or unknown key (401), not found (404), not cancellable (409)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's fault: the database unavailable (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/v1/batches")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class BatchesController {

    /** {@code 24h} (OpenAI's only window), or any {@code <n>s|m|h} up to 7 days. */
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,6})([smh])");
    private static final long MAX_WINDOW_SECONDS = 7 * 86_400;

    private final BatchStore store;
    private final FileStore files;
    private final ObjectMapper json;
    private final BeanProvider<BatchWorker> worker;

    public BatchesController(BatchStore store, FileStore files, ObjectMapper json, BeanProvider<BatchWorker> worker) {
        this.store = store;
        this.files = files;
        this.json = json;
        this.worker = worker;
    }

    @ApiResponse(responseCode = "200", description = "The batch object", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> create(@Body String body, HttpRequest<?> request) {
        JsonNode root;
        try {
            root = body == null ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            return problem(request, ApiProblem.of(400, "invalid_json", "the request body is not valid JSON"));
        }
        if (root == null || !root.isObject()) {
            return problem(request, ApiProblem.of(400, "invalid_request", "the request body must be a JSON object"));
        }
        JsonNode fileId = root.get("input_file_id");
        if (fileId == null || !fileId.isTextual() || fileId.asText().isEmpty()) {
            return problem(request, ApiProblem.of(400, "invalid_request", "'input_file_id' is required", "input_file_id"));
        }
        JsonNode endpointNode = root.get("endpoint");
        String endpoint = endpointNode == null || !endpointNode.isTextual() ? null : endpointNode.asText();
        if (!BatchValidator.knownEndpoint(endpoint)) {
            return problem(request, ApiProblem.of(400, "invalid_request", "'endpoint' must be /v1/chat/completions, "
                    + "/v1/embeddings or /v1/pipelines/{name}/invoke", "endpoint"));
        }
        JsonNode windowNode = root.get("completion_window");
        String window = windowNode == null || windowNode.isNull() ? "24h" : windowNode.asText();
        Matcher m = WINDOW.matcher(window);
        long seconds = m.matches() ? Long.parseLong(m.group(1)) * switch (m.group(2)) {
            case "h" -> 3600L;
            case "m" -> 60L;
            default -> 1L;
        } : -1;
        boolean notText = windowNode != null && !windowNode.isNull() && !windowNode.isTextual();
        if (seconds <= 0 || seconds > MAX_WINDOW_SECONDS || notText) {
            return problem(request, ApiProblem.of(400, "invalid_request",
                    "'completion_window' must be 24h (or a duration such as 30m, up to 168h)", "completion_window"));
        }
        JsonNode metadata = root.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            return problem(request, ApiProblem.of(400, "invalid_request", "'metadata' must be an object", "metadata"));
        }
        if (metadata != null && (metadata.size() > 16 || metadata.toString().length() > 8192)) {
            return problem(request, ApiProblem.of(400, "invalid_request",
                    "'metadata' may have at most 16 keys (8 KiB)", "metadata"));
        }
        Owner owner = Owner.of(request);
        StoredFile input = files.find(fileId.asText()).filter(f -> owner.sees(f.ownerKey())).orElse(null);
        if (input == null) {
            return problem(request, ApiProblem.of(404, "file_not_found",
                    "No such file: '" + shown(fileId.asText()) + "'", "input_file_id"));
        }
        if (!"batch".equals(input.purpose())) {
            return problem(request, ApiProblem.of(400, "invalid_request",
                    "the input file's purpose must be batch", "input_file_id"));
        }
        Batch batch = store.create(owner.keyId(), endpoint, input, window, seconds,
                metadata == null || metadata.isNull() ? null : metadata);
        worker.ifPresent(BatchWorker::wake);
        return ok(batch.toWire(store.counts(batch.id())));
    }

    @ApiResponse(responseCode = "200", description = "The batch object", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> get(@PathVariable String id, HttpRequest<?> request) {
        Batch batch = visible(id, request);
        return batch == null ? notFound(request, id) : ok(batch.toWire(store.counts(id)));
    }

    @ApiResponse(responseCode = "200", description = "The caller's batches, newest first", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> list(@Nullable @QueryValue Integer limit, @Nullable @QueryValue String after,
            HttpRequest<?> request) {
        int n = limit == null ? 20 : limit;
        if (n < 1 || n > 100) {
            return problem(request, ApiProblem.of(400, "invalid_request", "'limit' must be between 1 and 100", "limit"));
        }
        Owner owner = Owner.of(request);
        List<Batch> page = store.list(owner.keyId(), owner.admin(), n + 1, after);
        List<Map<String, Object>> data = page.stream().limit(n).map(b -> b.toWire(store.counts(b.id()))).toList();
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", data);
        list.put("first_id", data.isEmpty() ? null : data.get(0).get("id"));
        list.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).get("id"));
        list.put("has_more", page.size() > n);
        return ok(list);
    }

    @ApiResponse(responseCode = "200", description = "The batch object, cancelling (or already ended)", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(uri = "/{id}/cancel", produces = MediaType.APPLICATION_JSON)
    public MutableHttpResponse<?> cancel(@PathVariable String id, HttpRequest<?> request) {
        Batch batch = visible(id, request);
        if (batch == null) {
            return notFound(request, id);
        }
        if (!store.cancel(id)) {
            Batch now = store.find(id).orElse(batch);
            if (now.status() != BatchStatus.CANCELLING && now.status() != BatchStatus.CANCELLED) {
                return problem(request, ApiProblem.of(409, "batch_not_cancellable",
                        "a batch that is " + now.status().wire() + " cannot be cancelled"));
            }
        }
        worker.ifPresent(BatchWorker::wake);
        Batch now = store.find(id).orElse(batch);
        return ok(now.toWire(store.counts(id)));
    }

    private Batch visible(String id, HttpRequest<?> request) {
        Owner owner = Owner.of(request);
        return store.find(id).filter(b -> owner.sees(b.ownerKey())).orElse(null);
    }

    private static MutableHttpResponse<?> notFound(HttpRequest<?> request, String id) {
        return problem(request, ApiProblem.of(404, "batch_not_found", "No such batch: '" + shown(id) + "'", "batch_id"));
    }

    private static String shown(String id) {
        return id.length() > 100 ? id.substring(0, 100) + "…" : id;
    }

    private static MutableHttpResponse<?> ok(Object body) {
        return dev.braid.server.files.WireJson.ok(body);
    }

    private static MutableHttpResponse<?> problem(HttpRequest<?> request, ApiProblem problem) {
        return ErrorResponses.render(request, problem);
    }
}
