package dev.braid.components.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Optional;

/**
 * Counts tokens with OpenAI's BPE encodings (jtokkit). Used for guard limits and for usage when a
 * provider reports none; {@code o200k_base} for models jtokkit does not know.
 */
public final class TokenCounter {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final TokenCounter DEFAULT = new TokenCounter(REGISTRY.getEncoding(EncodingType.O200K_BASE));

    private final Encoding encoding;

    private TokenCounter(Encoding encoding) {
        this.encoding = encoding;
    }

    /** The counter for {@code o200k_base} (GPT-4o family). */
    public static TokenCounter standard() {
        return DEFAULT;
    }

    /** The counter for a model name jtokkit knows, else {@link #standard()}. */
    public static TokenCounter forModel(String model) {
        Optional<Encoding> enc = REGISTRY.getEncodingForModel(model);
        return enc.map(TokenCounter::new).orElse(DEFAULT);
    }

    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encoding.countTokensOrdinary(text);
    }
}
