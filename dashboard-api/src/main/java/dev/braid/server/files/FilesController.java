package dev.braid.server.files;

import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ErrorBody;
import dev.braid.server.http.ErrorResponses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.micronaut.http.multipart.CompletedPart;
import io.micronaut.http.server.multipart.MultipartBody;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import reactor.core.publisher.Flux;

/**
 * {@code /v1/files} in OpenAI's shapes: upload (multipart {@code purpose=batch} and {@code file}),
 * list, get, content, delete. The multipart decoder spools the file part to a temporary file on
 * disk; {@link FileStore} then copies it into the database one chunk at a time, so no upload is
 * ever held in memory whole.
 */
@Tag(name = "Batches", description = "OpenAI's Files and Batch APIs (invoker key)")
@ApiResponse(responseCode = "4XX", description = "The caller's fault: bad input (400), too large (413), no or unknown key (401), not found (404)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ApiResponse(responseCode = "5XX", description = "Braid's fault: the database unavailable (503), a server error (500)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@Controller("/v1/files")
public final class FilesController {

    private final FileStore files;
    private final ExecutorService blocking;

    public FilesController(FileStore files, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.files = files;
        this.blocking = blocking;
    }

    @ApiResponse(responseCode = "200", description = "The file object", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Post(consumes = MediaType.MULTIPART_FORM_DATA, produces = MediaType.APPLICATION_JSON)
    public CompletionStage<MutableHttpResponse<?>> upload(@Body MultipartBody body, HttpRequest<?> request) {
        Owner owner = Owner.of(request);
        List<CompletedPart> parts = new ArrayList<>();
        CompletableFuture<MutableHttpResponse<?>> answer = new CompletableFuture<>();
        Flux.from(body).doOnNext(parts::add).then().toFuture().whenComplete((done, error) -> {
            if (error != null) {
                discard(parts);
                answer.complete(ErrorResponses.of(request, error));
                return;
            }
            blocking.execute(() -> {
                try {
                    answer.complete(store(owner, parts, request));
                } catch (RuntimeException e) {
                    answer.complete(ErrorResponses.of(request, e));
                } finally {
                    discard(parts);
                }
            });
        });
        return answer;
    }

    private MutableHttpResponse<?> store(Owner owner, List<CompletedPart> parts, HttpRequest<?> request) {
        String purpose = null;
        CompletedPart file = null;
        for (CompletedPart part : parts) {
            if ("file".equals(part.getName())) {
                file = part; // an SDK that sends no filename sends a plain field
            } else if ("purpose".equals(part.getName())) {
                try {
                    purpose = new String(part.getBytes(), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    purpose = null;
                }
            }
        }
        if (purpose == null || purpose.isEmpty()) {
            return problem(request, ApiProblem.of(400, "invalid_request", "'purpose' is required (batch)", "purpose"));
        }
        if (!"batch".equals(purpose)) {
            return problem(request, ApiProblem.of(400, "invalid_request",
                    "'purpose' must be batch (the only purpose this server stores files for)", "purpose"));
        }
        if (file == null) {
            return problem(request, ApiProblem.of(400, "invalid_request", "a 'file' part is required", "file"));
        }
        String given = file instanceof CompletedFileUpload upload ? upload.getFilename() : null;
        String filename = given == null || given.isBlank() ? "upload.jsonl" : given;
        if (filename.length() > 255 || filename.indexOf('\0') >= 0) {
            return problem(request, ApiProblem.of(400, "invalid_request", "the file name is too long or has a NUL byte", "file"));
        }
        try (InputStream in = file.getInputStream()) {
            StoredFile stored = files.upload(owner.keyId(), purpose, filename, in);
            return WireJson.ok(stored.toWire());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void discard(List<CompletedPart> parts) {
        for (CompletedPart part : parts) {
            if (part instanceof CompletedFileUpload upload) {
                try {
                    upload.discard();
                } catch (RuntimeException e) {
                    // a temporary file left: Netty removes it on exit
                }
            }
        }
    }

    @ApiResponse(responseCode = "200", description = "The caller's files, newest first", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> list(@Nullable @QueryValue String purpose, @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue String after, HttpRequest<?> request) {
        Owner owner = Owner.of(request);
        int n = limit == null ? 10000 : limit;
        if (n < 1 || n > 10000) {
            return problem(request, ApiProblem.of(400, "invalid_request", "'limit' must be between 1 and 10000", "limit"));
        }
        List<StoredFile> page = files.list(owner.keyId(), owner.admin(), purpose, n + 1, after);
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        List<Map<String, Object>> data = page.stream().limit(n).map(StoredFile::toWire).toList();
        list.put("data", data);
        list.put("first_id", data.isEmpty() ? null : data.get(0).get("id"));
        list.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).get("id"));
        list.put("has_more", page.size() > n);
        return WireJson.ok(list);
    }

    @ApiResponse(responseCode = "200", description = "The file object", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Get(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> get(@PathVariable String id, HttpRequest<?> request) {
        StoredFile file = visible(id, request);
        return file == null ? notFound(request, id)
                : WireJson.ok(file.toWire());
    }

    @ApiResponse(responseCode = "200", description = "The file's bytes", content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "4XX", description = "Not found (404), no or unknown key (401)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "5XX", description = "Braid's fault: the database unavailable (503), a server error (500)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
    // the SDKs ask for application/binary; errors are JSON
    @Get(uri = "/{id}/content", produces = {MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM, "application/binary", MediaType.ALL})
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> content(@PathVariable String id, HttpRequest<?> request) {
        StoredFile file = visible(id, request);
        if (file == null) {
            return notFound(request, id);
        }
        return HttpResponse.ok(new StreamedFile(files.open(id), MediaType.APPLICATION_OCTET_STREAM_TYPE))
                .contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Length", Long.toString(file.bytes()));
    }

    @ApiResponse(responseCode = "200", description = "{id, object: file, deleted: true}", content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
    @Delete(uri = "/{id}", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> delete(@PathVariable String id, HttpRequest<?> request) {
        StoredFile file = visible(id, request);
        if (file == null) {
            return notFound(request, id);
        }
        files.delete(id);
        Map<String, Object> deleted = new LinkedHashMap<>();
        deleted.put("id", id);
        deleted.put("object", "file");
        deleted.put("deleted", true);
        return WireJson.ok(deleted);
    }

    /** The file if this caller may see it; another key's file is as absent as a missing one. */
    private StoredFile visible(String id, HttpRequest<?> request) {
        return files.find(id).filter(f -> Owner.of(request).sees(f.ownerKey())).orElse(null);
    }

    private static MutableHttpResponse<?> notFound(HttpRequest<?> request, String id) {
        String shown = id.length() > 100 ? id.substring(0, 100) + "…" : id;
        return problem(request, ApiProblem.of(404, "file_not_found", "No such file: '" + shown + "'", "file_id"));
    }

    private static MutableHttpResponse<?> problem(HttpRequest<?> request, ApiProblem problem) {
        return ErrorResponses.render(request, problem);
    }
}
