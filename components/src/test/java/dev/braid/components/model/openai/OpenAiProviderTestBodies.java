package dev.braid.components.model.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braid.components.model.http.ProviderJson;
import java.util.ArrayList;
import java.util.List;

/** OpenAI wire bodies for the contract test, shared with Azure (same format). */
public final class OpenAiProviderTestBodies {

    public String chatAnswer(String text) {
        ObjectNode root = ProviderJson.object().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 1).put("model", "gpt-4o-mini");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        root.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 3).put("total_tokens", 13);
        return ProviderJson.write(root);
    }

    public String errorBody(String message) {
        ObjectNode root = ProviderJson.object();
        root.putObject("error").put("message", message).put("type", "invalid_request_error").putNull("param").putNull("code");
        return ProviderJson.write(root);
    }

    public static String chunk(String deltaJson, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}],\"usage\":null}\n\n";
    }

    public List<String> stream(List<String> texts) {
        List<String> out = new ArrayList<>();
        out.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null)); // role chunk without content
        texts.forEach(t -> out.add(chunk("{\"content\":" + ProviderJson.write(ProviderJson.tree(t)) + "}", null)));
        out.add(chunk("{}", "stop"));
        out.add("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}\n\n");
        out.add("data: [DONE]\n\n");
        return out;
    }

    public List<String> truncatedStream(String text) {
        return List.of(chunk("{\"content\":\"" + text + "\"}", null));
    }

    public List<String> streamWithError(String text, String message) {
        return List.of(chunk("{\"content\":\"" + text + "\"}", null),
                "data: {\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\",\"code\":null}}\n\n");
    }

    /** Chat Completions 200 bodies without an answer: no choices, an empty choices array, a choice without a message. */
    public List<String> answerlessChatBodies() {
        return List.of(
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":0,\"total_tokens\":10}}",
                "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[]}",
                "{\"id\":\"chatcmpl-1\",\"choices\":null}",
                "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}");
    }

    /** Streams that reach [DONE] without one choice: [DONE] alone, a usage-only chunk then [DONE]. */
    public List<List<String>> eventlessStreams() {
        return List.of(List.of("data: [DONE]\n\n"),
                List.of("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":0,\"total_tokens\":10}}\n\n", "data: [DONE]\n\n"));
    }
}
