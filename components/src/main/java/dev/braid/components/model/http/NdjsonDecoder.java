package dev.braid.components.model.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/** Newline-delimited JSON fed one line at a time: each non-blank line is one JSON value. */
public final class NdjsonDecoder {

    private final String provider;
    private final Consumer<JsonNode> handler;

    public NdjsonDecoder(String provider, Consumer<JsonNode> handler) {
        this.provider = provider;
        this.handler = handler;
    }

    public void line(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = ProviderJson.MAPPER.readTree(line);
        } catch (Exception e) {
            throw ProviderErrors.malformed(provider, "stream line is not JSON");
        }
        handler.accept(node);
    }
}
