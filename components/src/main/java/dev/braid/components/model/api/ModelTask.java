package dev.braid.components.model.api;

import java.util.Locale;

/** What a model is asked to do; the {@code model:} endpoint path names it ({@code model:chat}). */
public enum ModelTask {
    CHAT,
    VISION,
    SENTIMENT,
    EMBEDDINGS,
    MODERATION;

    public String uriName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelTask fromUriName(String name) {
        for (ModelTask t : values()) {
            if (t.uriName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown model task '" + name + "' (expected chat, vision, sentiment, embeddings or moderation)");
    }
}
