package dev.braid.server.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/**
 * OpenAI's file and batch objects written as they are, nulls and empty lists included (the SDKs
 * and OpenAI's own answers carry {@code "output_file_id": null}, {@code "data": []}); Micronaut's
 * mapper leaves empty values out.
 */
public final class WireJson {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private WireJson() {}

    public static MutableHttpResponse<?> ok(Object body) {
        try {
            return HttpResponse.ok(PLAIN.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer did not serialize", e);
        }
    }
}
