package dev.braid.server.usage;

/**
 * One row of usage: a whole request ({@link Kind#REQUEST}) or one step / model call within it
 * ({@link Kind#STEP}). Tokens and cost of a request row are the sums of its steps'.
 *
 * @param source invoke, chat or embeddings (the front door it came through)
 * @param keyId the API key's id, or null (no keys yet, or an anonymous call)
 * @param pipeline the pipeline, or null for a provider model called through {@code /v1}
 * @param model {@code provider/model}, or null (a request row of a pipeline, a step without a model)
 * @param status ok, failed, timeout or error
 * @param errorType a short, bounded error class (http status family or step status), else null
 * @param firstTokenMs time to the first streamed token, for streams; else null
 * @param occurredAtMs epoch milliseconds when the request or step finished
 * @param shadow a release's shadow run on its candidate (billed, never an answer)
 * @param shadowMatch a shadow request row's: whether its output equalled the answer's (null: it failed, or not a shadow)
 */
public record UsageRecord(
        Kind kind,
        String source,
        String requestId,
        String keyId,
        String pipeline,
        Integer version,
        String step,
        String provider,
        String model,
        String status,
        String errorType,
        long latencyMs,
        Long firstTokenMs,
        long promptTokens,
        long completionTokens,
        long totalTokens,
        double costUsd,
        boolean cached,
        boolean estimated,
        long occurredAtMs,
        boolean shadow,
        Boolean shadowMatch) {

    public UsageRecord(Kind kind, String source, String requestId, String keyId, String pipeline, Integer version,
            String step, String provider, String model, String status, String errorType, long latencyMs,
            Long firstTokenMs, long promptTokens, long completionTokens, long totalTokens, double costUsd,
            boolean cached, boolean estimated, long occurredAtMs) {
        this(kind, source, requestId, keyId, pipeline, version, step, provider, model, status, errorType, latencyMs,
                firstTokenMs, promptTokens, completionTokens, totalTokens, costUsd, cached, estimated, occurredAtMs,
                false, null);
    }

    /** This row as a shadow run's (a request row carries {@code match}; step rows none). */
    public UsageRecord asShadow(Boolean match) {
        return new UsageRecord(kind, source, requestId, keyId, pipeline, version, step, provider, model, status,
                errorType, latencyMs, firstTokenMs, promptTokens, completionTokens, totalTokens, costUsd, cached,
                estimated, occurredAtMs, true, kind == Kind.REQUEST ? match : null);
    }

    public enum Kind {
        REQUEST("request"),
        STEP("step");

        private final String column;

        Kind(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    public boolean ok() {
        return UsageStatus.OK.wire().equals(status);
    }
}
