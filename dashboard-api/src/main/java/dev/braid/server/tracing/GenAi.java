package dev.braid.server.tracing;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** OpenTelemetry GenAI semantic-convention attribute keys Braid sets, and Braid's own. */
final class GenAi {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> COMPLETION = AttributeKey.stringKey("gen_ai.completion");
    static final AttributeKey<String> PROMPT = AttributeKey.stringKey("gen_ai.prompt");

    static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("braid.pipeline");
    static final AttributeKey<Long> VERSION = AttributeKey.longKey("braid.version");
    static final AttributeKey<String> STEP = AttributeKey.stringKey("braid.step");
    static final AttributeKey<String> STEP_STATUS = AttributeKey.stringKey("braid.step.status");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("braid.request_id");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("braid.cost_usd");

    private GenAi() {}
}
