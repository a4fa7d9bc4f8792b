package dev.braid.server.models;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.braid.engine.read.PipelineReader;
import org.junit.jupiter.api.Test;

/** The chat-shaped rule: input requires a messages array, and the last step's output has text. */
class ModelListingTest {

    static boolean chatShaped(String input, String lastStep) {
        return ModelListing.isChatShaped(new PipelineReader().read("""
                apiVersion: braid/v1
                kind: Pipeline
                name: p
                %s
                steps:
                  - id: first
                    model:
                      targets: [{ provider: mock, model: m }]
                      messages: "{{input.messages}}"
                %s
                """.formatted(input, lastStep)));
    }

    static final String MESSAGES = "input: { required: [messages], properties: { messages: { type: array } } }";

    @Test
    void aChatModelStepLastIsChatShaped() {
        assertTrue(chatShaped(MESSAGES, ""));
    }

    @Test
    void aTransformOrAggregateBuildingTextIsChatShaped() {
        assertTrue(chatShaped(MESSAGES, "  - id: last\n    transform: { jsonata: '{\"text\": steps.first.text}' }"));
        assertTrue(chatShaped(MESSAGES, "  - id: last\n    aggregate: { jsonata: '{ \"text\" : steps.first.text, \"n\": 1 }' }"));
        assertFalse(chatShaped(MESSAGES, "  - id: last\n    transform: { jsonata: '{\"reply\": steps.first.text}' }"));
    }

    @Test
    void otherLastStepsAreNot() {
        assertFalse(chatShaped(MESSAGES,
                "  - id: last\n    model: { task: sentiment, targets: [{ provider: local, model: lexicon }], text: \"x\" }"));
    }

    @Test
    void messagesMustBeARequiredArray() {
        assertFalse(chatShaped("", ""), "no input schema");
        assertFalse(chatShaped("input: { properties: { messages: { type: array } } }", ""), "not required");
        assertFalse(chatShaped("input: { required: [messages], properties: { messages: { type: string } } }", ""));
        assertFalse(chatShaped("input: { required: [messages] }", ""), "type not declared");
    }
}
