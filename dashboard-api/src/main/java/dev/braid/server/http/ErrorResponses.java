package dev.braid.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.braid.components.guard.GuardBlockedException;
import dev.braid.components.model.api.ModelException;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.spec.InvalidPipelineException;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.codec.CodecException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.json.JsonSyntaxException;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides an error's status, code and message and renders its body. Exception
 * handlers, the framework's error processor and the invoke controller all come here, so no
 * error leaves in another shape. Messages are written here, never copied from a framework or
 * library exception (those name classes and internals); domain exceptions' messages are made for
 * callers and pass through.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    /** Renders whatever went wrong while serving {@code request}. */
    public static MutableHttpResponse<ErrorBody> of(HttpRequest<?> request, Throwable error) {
        return render(request, problem(request, error, 500));
    }

    /**
     * Decides the problem for {@code error}; {@code status} is what the framework already chose
     * when it caught the error itself (404 for no route, 405, 415, …), else 500.
     */
    public static ApiProblem problem(HttpRequest<?> request, Throwable error, int status) {
        if (status == 415) {
            // which types are right depends on the endpoint: the pipeline endpoints read YAML
            return ApiProblem.of(415, "unsupported_media_type", unsupportedMediaType(request));
        }
        return decide(error, status, () -> RequestIds.of(request), () -> describe(request));
    }

    /**
     * The problem for {@code error} in a call made without the HTTP request at hand (a paid call
     * run by {@code calls.MeteredCalls}): a 500 quotes {@code requestId} and logs {@code what}.
     */
    public static ApiProblem problem(String requestId, String what, Throwable error) {
        return decide(error, 500, () -> requestId, () -> what);
    }

    private static ApiProblem decide(Throwable error, int status, Supplier<String> id, Supplier<String> what) {
        Throwable cause = unwrap(error);
        if (cause instanceof ProblemException e) {
            return e.problem();
        }
        if (cause instanceof InvocationException e) {
            String param = e instanceof InvocationException.InputInvalid ? "input" : null;
            return ApiProblem.of(e.status(), e.code(), e.getMessage(), param);
        }
        if (cause instanceof ModelException e) {
            var retryAfter = e instanceof ModelException.ProviderError p && e.status() == 429 ? p.retryAfter() : null;
            return new ApiProblem(e.status(), e.code(), e.getMessage(), null, List.of(), retryAfter);
        }
        if (cause instanceof GuardBlockedException e) {
            String message = e.getMessage() != null && e.getMessage().contains(e.rule())
                    ? e.getMessage()
                    : "blocked by guard rule " + e.rule() + ": " + e.getMessage();
            return ApiProblem.of(400, "guard_blocked", message);
        }
        if (cause instanceof InvalidPipelineException e) {
            List<ErrorBody.Location> locations = e.errors().stream()
                    .map(v -> new ErrorBody.Location(v.line(), v.column(), v.path(), v.message()))
                    .toList();
            String param = locations.isEmpty() ? null : locations.get(0).path();
            return new ApiProblem(422, "pipeline_invalid", e.getMessage(), param, locations, null);
        }
        if (cause instanceof ContentLengthExceededException
                || cause instanceof io.micronaut.http.exceptions.BufferLengthExceededException) {
            return tooLarge();
        }
        ApiProblem store = StoreUnavailable.of(cause);
        if (store != null) {
            return store;
        }
        if (ClientAborts.is(cause)) {
            return ClientAborts.problem(what.get(), cause);
        }
        if (cause == null && status == 413) {
            // Netty's decoder refused the request line (4 KiB) or headers (8 KiB); Micronaut answers 413 with no cause
            return ApiProblem.of(413, "request_too_large",
                    "the request is larger than this server accepts (body, headers or request line)");
        }
        if (cause instanceof UnsatisfiedArgumentException e) {
            String name = e.getArgument().getName();
            return "body".equals(name) || e.getArgument().getAnnotationMetadata().hasAnnotation(Body.class)
                    ? ApiProblem.of(400, "invalid_request", "a JSON request body is required")
                    : ApiProblem.of(400, "invalid_request", "missing required parameter '" + name + "'", name);
        }
        ApiProblem json = jsonProblem(cause);
        if (json != null) {
            return json;
        }
        if (cause instanceof ConversionErrorException e) {
            String name = e.getArgument().getName();
            return ApiProblem.of(400, "invalid_request", "parameter '" + name + "' has an invalid value", name);
        }
        return byStatus(id, what, cause, status);
    }

    public static MutableHttpResponse<ErrorBody> render(HttpRequest<?> request, ApiProblem problem) {
        ErrorBody body = new ErrorBody(new ErrorBody.Detail(
                problem.type(), problem.code(), problem.message(), problem.param(), problem.errors()));
        MutableHttpResponse<ErrorBody> response = HttpResponse.<ErrorBody>status(problem.status(), reason(problem))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(body);
        if (problem.retryAfter() != null) {
            long seconds = Math.max(0, (problem.retryAfter().toMillis() + 999) / 1000);
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
        if (request != null) {
            response.header(RequestIds.HEADER, RequestIds.of(request));
        }
        return response;
    }

    /** Malformed JSON is {@code invalid_json}; well-formed JSON of the wrong shape is {@code invalid_request}. */
    private static ApiProblem jsonProblem(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
                return ApiProblem.of(400, "invalid_json", jsonLimitMessage(e));
            }
        }
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof NumberOutOfRange) {
                return ApiProblem.of(400, "invalid_json", NumberOutOfRange.MESSAGE);
            }
            if (t instanceof JsonParseException || t instanceof JsonSyntaxException) {
                return ApiProblem.of(400, "invalid_json", "the request body is not valid JSON");
            }
        }
        for (Throwable t = error; t != null; t = next(t)) {
            if (t instanceof JsonMappingException e) {
                String path = e.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                        .replace(".[", "[");
                return path.isEmpty()
                        ? ApiProblem.of(400, "invalid_request", "the request body must be a JSON object")
                        : ApiProblem.of(400, "invalid_request", "'" + path + "' has the wrong type", path);
            }
            if (t instanceof CodecException) {
                return ApiProblem.of(400, "invalid_json", "the request body could not be read as JSON");
            }
        }
        return null;
    }

    /** What a caller is told when a JSON body breaks a read limit (nesting, number or string length). */
    public static String jsonLimitMessage(com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting")) {
            return "the request body is not accepted: JSON nesting too deep (at most "
                    + dev.braid.server.http.JsonReadLimits.MAX_NESTING_DEPTH + " levels)";
        }
        if (m.contains("Number")) {
            return "the request body is not accepted: a JSON number is too long (at most "
                    + dev.braid.server.http.JsonReadLimits.MAX_NUMBER_LENGTH + " characters)";
        }
        return "the request body is not accepted: a JSON value is too long";
    }

    private static ApiProblem byStatus(Supplier<String> id, Supplier<String> what, Throwable cause, int status) {
        return switch (status) {
            case 400 -> ApiProblem.of(400, "invalid_request", "the request is invalid");
            case 404 -> ApiProblem.of(404, "not_found", "no such endpoint: " + what.get());
            case 405 -> ApiProblem.of(405, "method_not_allowed", "method not allowed: " + what.get());
            case 406 -> ApiProblem.of(406, "not_acceptable", "this endpoint answers application/json only");
            case 413 -> tooLarge();
            case 415 -> ApiProblem.of(415, "unsupported_media_type", "the request body's media type is not accepted here");
            default -> status >= 400 && status < 500
                    ? ApiProblem.of(status, "invalid_request", "the request was refused (HTTP " + status + ")")
                    : internal(id.get(), what.get(), cause);
        };
    }

    /** The pipeline endpoints (deploy, validate) read YAML; every other body is JSON. */
    private static final java.util.regex.Pattern YAML_BODY = java.util.regex.Pattern.compile("/api/pipelines(/validate)?/?");

    private static String unsupportedMediaType(HttpRequest<?> request) {
        String got = request.getContentType().map(t -> "got " + t).orElse("no Content-Type was sent");
        if (YAML_BODY.matcher(request.getPath()).matches()) {
            // curl -d sends application/x-www-form-urlencoded, and strips the newlines YAML needs
            String hint = request.getContentType().filter(MediaType.APPLICATION_FORM_URLENCODED_TYPE::equals).isPresent()
                    ? "; with curl, send the file with --data-binary @file -H 'Content-Type: application/yaml'"
                    : "";
            return "the request body must be a pipeline in YAML, sent as application/yaml, application/x-yaml, "
                    + "text/yaml or text/plain (" + got + hint + ")";
        }
        return "the request body must be application/json (" + got + ")";
    }

    private static ApiProblem tooLarge() {
        return ApiProblem.of(413, "request_too_large", "the request body is larger than this server accepts");
    }

    /** A bug or an outage of ours: logged once, with the request id the caller is told. */
    private static ApiProblem internal(String id, String what, Throwable cause) {
        if (cause != null) {
            LOG.error("Request {} failed: {}", id, what, cause);
        } else {
            LOG.error("Request {} failed: {}", id, what);
        }
        return ApiProblem.of(
                500, "internal_error", "internal error; quote request id " + id + " when reporting it");
    }

    private static String describe(HttpRequest<?> request) {
        if (request == null) {
            return "(unknown request)";
        }
        String path = request.getPath();
        // the path is the caller's own text; keep an echo of it short
        return request.getMethodName() + " " + (path.length() > 200 ? path.substring(0, 200) + "…" : path);
    }

    private static String reason(ApiProblem problem) {
        try {
            return HttpStatus.valueOf(problem.status()).getReason();
        } catch (IllegalArgumentException e) {
            return problem.code();
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof ConversionErrorException e && e.getCause() == null) {
            return e.getConversionError().getCause();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
