package dev.braid.server.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A batch row. Times are Unix seconds (null: not reached).
 *
 * @param errors the validation errors ({@code {object:"list", data:[{code,message,line}]}}) or null
 */
public record Batch(String id, @Nullable String ownerKey, String endpoint, String inputFileId, String completionWindow,
        @Nullable JsonNode metadata, BatchStatus status, @Nullable JsonNode errors, int lineCount,
        @Nullable String outputFileId, @Nullable String errorFileId, long createdAt, @Nullable Long inProgressAt,
        @Nullable Long expiresAt, @Nullable Long finalizingAt, @Nullable Long completedAt, @Nullable Long failedAt,
        @Nullable Long expiredAt, @Nullable Long cancellingAt, @Nullable Long cancelledAt) {

    /** OpenAI's batch object, with {@code request_counts} from {@code counts}. */
    public Map<String, Object> toWire(Counts counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "batch");
        m.put("endpoint", endpoint);
        m.put("errors", errors);
        m.put("input_file_id", inputFileId);
        m.put("completion_window", completionWindow);
        m.put("status", status.wire());
        m.put("output_file_id", outputFileId);
        m.put("error_file_id", errorFileId);
        m.put("created_at", createdAt);
        m.put("in_progress_at", inProgressAt);
        m.put("expires_at", expiresAt);
        m.put("finalizing_at", finalizingAt);
        m.put("completed_at", completedAt);
        m.put("failed_at", failedAt);
        m.put("expired_at", expiredAt);
        m.put("cancelling_at", cancellingAt);
        m.put("cancelled_at", cancelledAt);
        Map<String, Object> rc = new LinkedHashMap<>();
        rc.put("total", lineCount);
        rc.put("completed", counts.done());
        rc.put("failed", counts.failed());
        m.put("request_counts", rc);
        m.put("metadata", metadata);
        return m;
    }

    /** Lines answered 2xx, lines answered an error, lines still pending or running. */
    public record Counts(int done, int failed, int pending, int running) {}
}
