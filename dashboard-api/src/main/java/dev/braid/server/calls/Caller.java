package dev.braid.server.calls;

import dev.braid.server.limits.KeyQuota;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;

/**
 * Who makes a paid call, as plain values: what {@link MeteredCalls} needs to meter, trace and
 * record it, whatever front door (or a worker with no HTTP request at all) it came through.
 *
 * @param requestId the id usage rows, spans and a 500's message quote
 * @param keyId the API key usage rows name, or null
 * @param quota the key's limits (budget, daily tokens), or null for a caller without a key
 * @param traceHeaders trace context to continue ({@code traceparent}, … in lower case); empty for none
 */
public record Caller(String requestId, @Nullable String keyId, @Nullable KeyQuota quota,
        Map<String, String> traceHeaders) {

    public Caller {
        traceHeaders = traceHeaders == null ? Map.of() : Map.copyOf(traceHeaders);
    }
}
