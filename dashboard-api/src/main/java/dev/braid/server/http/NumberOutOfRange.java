package dev.braid.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/**
 * A JSON number no double can hold ({@code 1e400}): refused while parsing (the edge's JSON
 * factory throws it) and answered 400 {@code invalid_json} with {@link #MESSAGE}.
 */
public final class NumberOutOfRange extends JsonParseException {

    private static final long serialVersionUID = 1L;

    public static final String MESSAGE =
            "the request body is not accepted: a JSON number is out of range (at most ±1.7976931348623157e308)";

    public NumberOutOfRange(JsonParser parser) {
        super(parser, MESSAGE);
    }
}
