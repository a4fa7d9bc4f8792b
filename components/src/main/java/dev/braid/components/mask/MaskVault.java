package dev.braid.components.mask;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * The originals behind one request's placeholders. A placeholder is {@code <ENTITY_n>}, numbered
 * per entity in the order values are first seen; the same original of the same entity always gets
 * the same placeholder, across fields and parallel branches of the request.
 *
 * <p>The vault lives only on its exchange ({@link #EXCHANGE_PROPERTY}): no static state, never
 * serialized, and {@link #toString()} shows counts only, so a logged exchange leaks nothing. It is
 * thread-safe because parallel branches of one request share it; create it (mask) before the
 * request fans out, since branches get copies of the exchange that share the same vault object.
 *
 * <p>Text in an input that already looks like a placeholder is not confused with a real one:
 * {@link Masker} reserves such literals before it issues any number for that input, so a
 * {@code <EMAIL_1>} typed by a user is never issued and therefore never restored, and detectors
 * never scan inside it. A literal equal to a placeholder this vault already issued is taken as
 * already masked, which makes masking idempotent (the one case it cannot tell apart: a user typing,
 * in a later field, the exact placeholder issued for an earlier one of the same request).
 * {@link #restore} is a single pass, so an original holding placeholder-shaped text is never
 * expanded again.
 *
 * <p>Output masking ({@code mask:output}) uses the request's {@link #outputVault()}: a second vault
 * with its own originals that shares this one's lock, counters and reserved literals, so its
 * placeholders never equal one issued here and no restore ever turns them back.
 */
public final class MaskVault {

    /** The exchange property holding the request's vault. */
    public static final String EXCHANGE_PROPERTY = "BraidMaskVault";

    /** Placeholders never exceed this length; longer {@code <…} runs are never held back by a stream. */
    static final int MAX_PLACEHOLDER_LENGTH = 80;

    private final Map<String, String> originalsByPlaceholder = new ConcurrentHashMap<>();
    // all guarded by lock; lock, counters and reserved are shared with the output vault
    private final Object lock;
    private final Map<String, String> placeholdersByValue = new HashMap<>();
    private final Map<String, Integer> counters;
    private final Set<String> reserved;
    private final boolean forOutput;
    private MaskVault outputVault;
    private volatile int longestPlaceholder;
    private volatile boolean restoreRequested;

    public MaskVault() {
        this.lock = new Object();
        this.counters = new HashMap<>();
        this.reserved = new HashSet<>();
        this.forOutput = false;
    }

    private MaskVault(MaskVault parent) {
        this.lock = parent.lock;
        this.counters = parent.counters;
        this.reserved = parent.reserved;
        this.forOutput = true;
    }

    /** The exchange's vault, created and stored on the exchange when it has none yet. */
    public static MaskVault of(Exchange exchange) {
        synchronized (exchange) {
            MaskVault vault = exchange.getProperty(EXCHANGE_PROPERTY, MaskVault.class);
            if (vault == null) {
                vault = new MaskVault();
                exchange.setProperty(EXCHANGE_PROPERTY, vault);
            }
            return vault;
        }
    }

    /**
     * The request's output vault ({@code mask: {output: true}}): its own originals, never restored
     * and never checked by an output guard, but numbered from the same per-entity counters, so no
     * output placeholder ever equals one this vault issued (a restore can never turn it back).
     * Created on first use; an output vault has none of its own.
     */
    public MaskVault outputVault() {
        if (forOutput) {
            return this;
        }
        synchronized (lock) {
            if (outputVault == null) {
                outputVault = new MaskVault(this);
            }
            return outputVault;
        }
    }

    /** Whether this is a request's output vault, whose placeholders are never restored. */
    public boolean isOutputVault() {
        return forOutput;
    }

    /** The exchange's vault if something was masked on it (or an ancestor) already. */
    public static Optional<MaskVault> find(Exchange exchange) {
        return Optional.ofNullable(exchange.getProperty(EXCHANGE_PROPERTY, MaskVault.class));
    }

    /**
     * The placeholder standing for {@code original} as an {@code entity}, issuing the next number for
     * that entity on first sight.
     *
     * @param entity upper-case name: a letter, then letters, digits or underscores
     */
    public String placeholderFor(String entity, String original) {
        synchronized (lock) {
            return issue(entity, original);
        }
    }

    private String issue(String entity, String original) {
        if (!isEntityName(entity)) {
            throw new IllegalArgumentException("invalid entity name for a placeholder: " + entity);
        }
        if (original == null) {
            throw new IllegalArgumentException("original must not be null");
        }
        String key = entity + '\u0000' + original;
        String existing = placeholdersByValue.get(key);
        if (existing != null) {
            return existing;
        }
        int n = counters.getOrDefault(entity, 0);
        String placeholder;
        do {
            n++;
            placeholder = '<' + entity + '_' + n + '>';
        } while (reserved.contains(placeholder));
        if (placeholder.length() > MAX_PLACEHOLDER_LENGTH) {
            throw new IllegalArgumentException("entity name too long for a placeholder: " + entity);
        }
        counters.put(entity, n);
        placeholdersByValue.put(key, placeholder);
        originalsByPlaceholder.put(placeholder, original);
        longestPlaceholder = Math.max(longestPlaceholder, placeholder.length());
        return placeholder;
    }

    /**
     * Records placeholder-shaped text found in an input. A token this vault never issued is
     * reserved, so it is never issued later and restore leaves it alone; an issued one is an
     * already-masked value (masking twice changes nothing).
     */
    void reserveLiteral(String token) {
        synchronized (lock) {
            // a token the sibling vault issued may be reserved too: the shared counters are past it anyway
            if (!originalsByPlaceholder.containsKey(token)) {
                reserved.add(token);
            }
        }
    }

    /**
     * Replaces every placeholder this vault issued by its original; anything else stays as it is.
     * An output vault restores nothing: its placeholders are meant to stay.
     */
    public String restore(String text) {
        if (text == null || forOutput || originalsByPlaceholder.isEmpty()) {
            return text;
        }
        int lt = text.indexOf('<');
        if (lt < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        while (lt >= 0) {
            int gt = tokenEnd(text, lt);
            if (gt > 0) {
                String original = originalsByPlaceholder.get(text.substring(lt, gt));
                if (original != null) {
                    if (out == null) {
                        out = new StringBuilder(text.length() + 32);
                    }
                    out.append(text, copied, lt).append(original);
                    copied = gt;
                    lt = text.indexOf('<', gt);
                    continue;
                }
            }
            lt = text.indexOf('<', lt + 1);
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * A copy of {@code value} with every String restored: Maps (keys kept) and Lists are copied,
     * never changed in place; other values are returned as they are.
     */
    public Object restoreDeep(Object value) {
        if (value instanceof String s) {
            return restore(s);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(e.getKey(), restoreDeep(e.getValue()));
            }
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(restoreDeep(item));
            }
            return copy;
        }
        return value;
    }

    public boolean isEmpty() {
        return originalsByPlaceholder.isEmpty();
    }

    /** How many placeholders were issued. */
    public int size() {
        return originalsByPlaceholder.size();
    }

    /** The distinct original values (a snapshot), e.g. to check an outgoing text holds none of them. */
    public Collection<String> originals() {
        return List.copyOf(new HashSet<>(originalsByPlaceholder.values()));
    }

    /** Marks that a mask step asked for its originals to be put back into the final output. */
    public void requestRestore() {
        restoreRequested = true;
    }

    /** Whether a mask step of this request asked for restore ({@code restore: true}). */
    public boolean restoreRequested() {
        return restoreRequested;
    }

    /** A restorer for one stream of text chunks (not thread-safe: one per stream). */
    public StreamRestorer streamRestorer() {
        return new StreamRestorer(this);
    }

    @Override
    public String toString() {
        // counts only: originals never reach a log
        synchronized (lock) {
            return (forOutput ? "MaskVault[output, placeholders=" : "MaskVault[placeholders=")
                    + originalsByPlaceholder.size() + ", entities=" + counters.size() + "]";
        }
    }

    /** The end (exclusive) of a placeholder-shaped token starting at {@code lt}, or -1. */
    static int tokenEnd(CharSequence text, int lt) {
        int n = text.length();
        int limit = Math.min(n, lt + MAX_PLACEHOLDER_LENGTH);
        int i = lt + 1;
        if (i >= n || !isUpper(text.charAt(i))) {
            return -1;
        }
        int lastUnderscore = -1;
        for (i++; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '>') {
                // "_" followed by a number without leading zero, right before '>'
                if (lastUnderscore < 0 || lastUnderscore + 1 == i || text.charAt(lastUnderscore + 1) == '0') {
                    return -1;
                }
                for (int k = lastUnderscore + 1; k < i; k++) {
                    if (!isDigit(text.charAt(k))) {
                        return -1;
                    }
                }
                return i + 1;
            }
            if (c == '_') {
                lastUnderscore = i;
            } else if (!isUpper(c) && !isDigit(c)) {
                return -1;
            }
        }
        return -1;
    }

    /** Whether the text from {@code lt} to its end could still grow into a placeholder-shaped token. */
    static boolean mayBecomeToken(CharSequence text, int lt) {
        int n = text.length();
        if (n - lt >= MAX_PLACEHOLDER_LENGTH) {
            return false;
        }
        for (int i = lt + 1; i < n; i++) {
            char c = text.charAt(i);
            if (i == lt + 1 ? !isUpper(c) : !isUpper(c) && !isDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    static String entityOf(String token) {
        return token.substring(1, token.lastIndexOf('_'));
    }

    static boolean isEntityName(String s) {
        if (s == null || s.isEmpty() || !isUpper(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isUpper(c) && !isDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Restores placeholders in a stream of chunks (a model's streamed answer) even when a
     * placeholder is split across chunks: only a trailing {@code <…} that could still become a
     * placeholder is held back until the next chunk or {@link #finish()}.
     */
    public static final class StreamRestorer {

        private final MaskVault vault;
        private final StringBuilder pending = new StringBuilder();

        public StreamRestorer(MaskVault vault) {
            this.vault = vault;
        }

        /** The restored text that is safe to emit now (possibly empty). */
        public String accept(String chunk) {
            if (chunk != null) {
                pending.append(chunk);
            }
            int hold = holdFrom();
            String ready = pending.substring(0, hold);
            pending.delete(0, hold);
            return vault.restore(ready);
        }

        /** Whatever is still held back, restored; call once when the stream ends. */
        public String finish() {
            String rest = vault.restore(pending.toString());
            pending.setLength(0);
            return rest;
        }

        /** Where a possible partial placeholder starts at the end of {@code pending}, else its length. */
        private int holdFrom() {
            int n = pending.length();
            int lt = pending.lastIndexOf("<");
            int longest = vault.longestPlaceholder;
            if (lt < 0 || n - lt >= longest) {
                return n; // no '<', or the tail is already longer than any placeholder
            }
            for (int i = lt + 1; i < n; i++) {
                char c = pending.charAt(i);
                if (!isUpper(c) && !isDigit(c) && c != '_') {
                    return n; // '>' closes it (already complete), or it cannot be a placeholder
                }
            }
            return lt;
        }
    }
}
