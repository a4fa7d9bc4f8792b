package dev.braid.components.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts tokens with OpenAI's BPE encodings (jtokkit). Used for guard limits and for usage when a
 * provider reports none; {@code o200k_base} for models jtokkit does not know.
 */
public final class TokenCounter {

    private static final AtomicBoolean PRELOADING = new AtomicBoolean();

    private final Encoding encoding;

    private TokenCounter(Encoding encoding) {
        this.encoding = encoding;
    }

    /** Loaded on first use: reading the BPE ranks is about a second of CPU. */
    private static final class Loaded {
        static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
        static final TokenCounter DEFAULT = new TokenCounter(REGISTRY.getEncoding(EncodingType.O200K_BASE));
    }

    /** The counter for {@code o200k_base} (GPT-4o family); waits for the encoding if it is still loading. */
    public static TokenCounter standard() {
        return Loaded.DEFAULT;
    }

    /** The counter for a model name jtokkit knows, else {@link #standard()}. */
    public static TokenCounter forModel(String model) {
        Optional<Encoding> enc = Loaded.REGISTRY.getEncodingForModel(model);
        return enc.map(TokenCounter::new).orElse(Loaded.DEFAULT);
    }

    /**
     * Starts loading the standard encoding on a daemon thread (once), so that a server's startup
     * goes on meanwhile instead of waiting for it, and its first request finds it loaded. A caller
     * of {@link #standard()} before it is done waits for that load instead of starting another.
     */
    public static void preload() {
        if (PRELOADING.compareAndSet(false, true)) {
            Thread loader = new Thread(() -> standard().count("warm up"), "braid-tokenizer-load");
            loader.setDaemon(true);
            loader.start();
        }
    }

    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encoding.countTokensOrdinary(text);
    }
}
