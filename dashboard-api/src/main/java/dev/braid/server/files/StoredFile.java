package dev.braid.server.files;

import io.micronaut.core.annotation.Nullable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stored file's metadata.
 *
 * @param ownerKey the id of the key that uploaded it (or whose batch wrote it); null with authentication off
 * @param purpose {@code batch} (uploaded input) or {@code batch_output} (a batch's output or error file)
 * @param createdAt Unix seconds
 */
public record StoredFile(String id, @Nullable String ownerKey, String purpose, String filename, long bytes,
        int lineCount, long createdAt) {

    /** OpenAI's file object. */
    public Map<String, Object> toWire() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "file");
        m.put("bytes", bytes);
        m.put("created_at", createdAt);
        m.put("filename", filename);
        m.put("purpose", purpose);
        m.put("status", "processed");
        m.put("status_details", null);
        return m;
    }
}
