package dev.braid.components.step;

import java.util.Collection;
import java.util.Map;
import org.apache.camel.Message;

/** The message body as text-processing components (mask, guard) read it without a step binding. */
public final class MessageBody {

    private MessageBody() {}

    /** The body as a String, Map, List, number or boolean; other payloads (bytes, streams) are read as text. */
    public static Object textual(Message message) throws Exception {
        Object body = message.getBody();
        if (body == null || body instanceof String || body instanceof Map<?, ?> || body instanceof Collection<?>
                || body instanceof Number || body instanceof Boolean) {
            return body;
        }
        return message.getMandatoryBody(String.class);
    }
}
