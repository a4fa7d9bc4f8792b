package dev.braid.components.model.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test resources next to the test class (same package path). */
public final class Fixtures {

    private Fixtures() {}

    public static String text(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name + " next to " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Class<?> owner, String name) {
        try {
            return ProviderJson.MAPPER.readTree(text(owner, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
