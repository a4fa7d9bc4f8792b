package dev.braid.components.model.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.braid.components.model.api.ModelRequest;
import dev.braid.components.model.api.ModelResponse;
import dev.braid.components.model.api.Target;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the {@link dev.braid.components.model.routing.ModelRouter} keeps answers for {@link CachePolicy exact-match caching}. Both
 * operations are asynchronous so a remote store never blocks the calling thread; a failed lookup is
 * treated as a miss and a failed store is ignored, so a cache outage never fails a model call.
 */
public interface ResponseCache {

    /** The answer stored under {@code key}, if it is there and not expired. */
    CompletionStage<Optional<ModelResponse>> get(String key);

    /** Stores an answer for {@code ttl}, replacing any answer under that key. */
    CompletionStage<Void> put(String key, ModelResponse response, Duration ttl);

    /**
     * The cache key of a request under a policy: {@code sha256:} and the hex SHA-256 of the canonical
     * JSON (keys sorted) of the task, messages, inputs, tools, options, strategy and target list. The
     * targets are part of the key because the same prompt to another model is another answer.
     */
    static String key(ModelRequest request, Scope policy) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("v", 1); // bump when the shape changes, so old entries stop matching
        canonical.put("task", request.task().name());
        canonical.put("messages", request.messages());
        canonical.put("inputs", request.inputs());
        canonical.put("tools", request.tools());
        canonical.put("options", request.options());
        if (request.options().toolChoice() != null) {
            // the choice records without components write as {}: the kind tells auto from none from required
            canonical.put("toolChoice", request.options().toolChoice().toString());
        }
        if (!request.tokenInputs().isEmpty()) {
            canonical.put("tokenInputs", request.tokenInputs());
        }
        canonical.put("strategy", policy.strategyName());
        canonical.put("targets", policy.targets());
        try {
            byte[] json = CanonicalJson.MAPPER.writeValueAsBytes(canonical);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request cannot be written as JSON for the cache key", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What besides the request decides which answer comes back: how the targets are ordered and
     * which they are. A routing policy is one; the cache names only this so it never depends on routing.
     */
    interface Scope {
        /** The strategy's name, as written in the key. */
        String strategyName();

        List<Target> targets();
    }
}
