package dev.braid.server.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline input a chat request carries is exactly what Jackson's convertValue would have made of it. */
class ChatCompletionRequestTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void pipelineInputMatchesJacksonsConversionTypeForType() throws Exception {
        JsonNode body = json.readTree("""
                {"model":"pipeline/x","stream":false,"messages":[{"role":"user","content":"hi"}],
                 "temperature":0.25,"max_tokens":7,"seed":12345678901,"huge":123456789012345678901234567890,
                 "context":{"a":[1,2.5,"s",true,null,{"b":{}}],"n":null},"flag":false,"empty":[]}
                """);
        ChatCompletionRequest chat = ChatCompletionRequest.read(body, json);
        ObjectMapper plain = new ObjectMapper();
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = plain.convertValue(body, Map.class);
        expected.remove("model");
        expected.remove("stream");
        assertEquals(expected, chat.pipelineInput());
        // same Java types, not just equal values (equals would let 7 and 7L differ silently elsewhere)
        for (String key : expected.keySet()) {
            assertEquals(String.valueOf(expected.get(key) == null ? null : expected.get(key).getClass()),
                    String.valueOf(chat.pipelineInput().get(key) == null ? null : chat.pipelineInput().get(key).getClass()), key);
        }
        assertEquals(Long.class, ((Object) chat.pipelineInput().get("seed")).getClass());
        assertEquals(Double.class, ((Object) chat.pipelineInput().get("temperature")).getClass());
    }
}
