package dev.braid.components.mask;

import dev.braid.components.mask.Detector.Span;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masks the entities of one {@link MaskPolicy}. Built once per policy (patterns compiled here),
 * then thread-safe and reusable: all per-request state lives in the {@link MaskVault}.
 *
 * <p>Every detector scans the text once; overlapping matches are resolved longest first, then
 * earliest, so a value is masked once (an IBAN is not also a phone number); for the very same span
 * a custom pattern wins, then the more specific built-in (an SSN is not a phone). Placeholders are
 * issued in text order. Text that already looks like a placeholder is protected (see {@link MaskVault}).
 */
public final class Masker {

    private static final Comparator<Span> LONGEST_THEN_EARLIEST =
            Comparator.comparingInt(Span::length).reversed().thenComparingInt(Span::start);

    private final List<Detector> detectors;
    private final List<String> entities;
    private final boolean restore;

    /**
     * @throws IllegalArgumentException for an unknown entity name, an invalid custom name or pattern
     */
    public Masker(MaskPolicy policy) {
        Map<String, Detector> byName = new LinkedHashMap<>();
        Map<String, CustomPatternDetector> custom = new LinkedHashMap<>();
        policy.customPatterns().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    CustomPatternDetector d = CustomPatternDetector.of(e.getKey(), e.getValue());
                    if (MaskEntity.byName(d.entity()) != null || custom.containsKey(d.entity())) {
                        throw new IllegalArgumentException(
                                "custom mask entity '" + d.entity() + "' clashes with another entity name");
                    }
                    custom.put(d.entity(), d);
                });
        if (policy.entities().isEmpty()) {
            // no list means every built-in entity
            for (MaskEntity e : MaskEntity.values()) {
                byName.put(e.name(), e);
            }
        } else {
            for (String name : policy.entities()) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("empty mask entity name");
                }
                MaskEntity builtIn = MaskEntity.byName(name);
                String key = builtIn != null ? builtIn.name() : entityName(name);
                Detector d = builtIn != null ? builtIn : custom.get(key);
                if (d == null) {
                    throw new IllegalArgumentException("unknown mask entity '" + name.trim() + "'; known: "
                            + String.join(", ", known(custom.keySet())));
                }
                byName.put(key, d);
            }
        }
        // custom patterns always apply, whether or not they are listed
        custom.forEach(byName::putIfAbsent);
        this.entities = List.copyOf(byName.keySet());
        // scan order decides ties between equal spans (the sort below is stable): the integrator's
        // own patterns first, then the built-ins from most to least specific
        List<Detector> ordered = new ArrayList<>(byName.values());
        ordered.sort(Comparator.comparingInt(d -> d instanceof MaskEntity e ? 1 + e.tieRank() : 0));
        this.detectors = List.copyOf(ordered);
        this.restore = policy.restore();
    }

    /** The entity names this masker detects, built-ins first. */
    public List<String> entities() {
        return entities;
    }

    /** Whether the policy asked for originals to be restored in the final output. */
    public boolean restore() {
        return restore;
    }

    /** {@code text} with every detected value replaced by its placeholder from {@code vault}. */
    public String mask(String text, MaskVault vault) {
        reserveLiterals(text, vault, 0);
        return mask(text, vault, new int[1]);
    }

    /**
     * A masked copy of {@code value}: a String, or Maps/Lists holding Strings (map keys are kept);
     * numbers, booleans and null pass through. Nothing is changed in place. Placeholder-shaped
     * literals in all strings are reserved before any number is issued.
     *
     * @throws IllegalArgumentException for any other type, rather than letting it pass unmasked
     */
    public Object maskDeep(Object value, MaskVault vault) {
        return maskDeep(value, vault, new int[1]);
    }

    /** Like {@link #maskDeep(Object, MaskVault)}; {@code count[0]} is increased by the values replaced. */
    Object maskDeep(Object value, MaskVault vault, int[] count) {
        reserveLiterals(value, vault, 0);
        return copyMasked(value, vault, count, 0);
    }

    private Object copyMasked(Object value, MaskVault vault, int[] count, int depth) {
        checkDepth(depth);
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence s) {
            return mask(s.toString(), vault, count);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(e.getKey(), copyMasked(e.getValue(), vault, count, depth + 1));
            }
            return copy;
        }
        if (value instanceof Collection<?> items) {
            List<Object> copy = new ArrayList<>(items.size());
            for (Object item : items) {
                copy.add(copyMasked(item, vault, count, depth + 1));
            }
            return copy;
        }
        throw new IllegalArgumentException("cannot mask a value of type " + value.getClass().getName()
                + "; expected a String, or Maps/Lists holding Strings");
    }

    private static void reserveLiterals(Object value, MaskVault vault, int depth) {
        checkDepth(depth);
        if (value instanceof CharSequence s) {
            String text = s.toString();
            for (int lt = text.indexOf('<'); lt >= 0; lt = text.indexOf('<', lt + 1)) {
                int end = MaskVault.tokenEnd(text, lt);
                if (end > 0) {
                    vault.reserveLiteral(text.substring(lt, end));
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object v : map.values()) {
                reserveLiterals(v, vault, depth + 1);
            }
        } else if (value instanceof Collection<?> items) {
            for (Object v : items) {
                reserveLiterals(v, vault, depth + 1);
            }
        }
    }

    private static void checkDepth(int depth) {
        if (depth > 64) {
            throw new IllegalArgumentException("value nested deeper than 64 levels");
        }
    }

    private String mask(String text, MaskVault vault, int[] count) {
        if (text.isEmpty()) {
            return text;
        }
        List<Span> spans = new ArrayList<>();
        List<Span> literals = new ArrayList<>();
        scan(text, 0, false, spans, literals);
        if (spans.isEmpty()) {
            return text;
        }
        return render(text, 0, text.length(), spans, literals, vault, count);
    }

    /**
     * Collects the candidate values starting at or after {@code from} into {@code spans} and the
     * placeholder-shaped literals (kept as they are, never rescanned) into {@code literals}.
     *
     * @return with {@code open}, the earliest position whose outcome more text could still change
     *     (see {@link Detector#scan}), a partial literal's {@code <} included; else {@code text.length()}
     */
    private int scan(String text, int from, boolean open, List<Span> spans, List<Span> literals) {
        int n = text.length();
        int unstable = n;
        for (int lt = text.indexOf('<', from); lt >= 0; lt = text.indexOf('<', lt + 1)) {
            int end = MaskVault.tokenEnd(text, lt);
            if (end > 0) {
                literals.add(new Span(lt, end, null));
                lt = end - 1;
            } else if (open && MaskVault.mayBecomeToken(text, lt)) {
                unstable = lt;
                break;
            }
        }
        boolean hasDigit = false;
        boolean hasAt = false;
        boolean hasColon = false;
        boolean hasLocalTail = false;
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                hasDigit = true;
            } else if (c == '@') {
                hasAt = true;
            } else if (c == ':') {
                hasColon = true;
            }
        }
        if (open && n > from) {
            // the text may still grow: a digit, '@' or ':' may yet come
            hasDigit = hasAt = hasColon = hasLocalTail = true;
        }
        for (Detector d : detectors) {
            int u;
            if (d instanceof MaskEntity e) {
                boolean possible =
                        switch (e.anchor()) {
                            case AT_SIGN -> hasAt || hasLocalTail;
                            case IPV6_START -> hasColon;
                            case PHONE_START, DIGIT_RUN, IBAN_START, IPV4_START, SSN_START, CARD_START -> hasDigit;
                        };
                u = possible ? e.scan(text, from, spans, open) : n;
            } else {
                u = d.scan(text, from, spans, open);
            }
            unstable = Math.min(unstable, u);
        }
        return unstable;
    }

    /**
     * {@code text[from, to)} with the chosen candidates replaced: overlaps resolved longest first,
     * then earliest; nothing inside a literal; placeholders issued in text order. Every span and
     * literal lies inside or outside {@code [from, to)}, never across it.
     */
    private static String render(
            String text, int from, int to, List<Span> spans, List<Span> literals, MaskVault vault, int[] count) {
        BitSet covered = new BitSet(to);
        for (Span l : literals) {
            if (l.start() >= from && l.end() <= to) {
                covered.set(l.start(), l.end());
            }
        }
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(LONGEST_THEN_EARLIEST);
        List<Span> chosen = new ArrayList<>(sorted.size());
        for (Span s : sorted) {
            if (s.start() < from || s.end() > to) {
                continue;
            }
            int firstCovered = covered.nextSetBit(s.start());
            if (firstCovered < 0 || firstCovered >= s.end()) {
                covered.set(s.start(), s.end());
                chosen.add(s);
            }
        }
        chosen.sort(Comparator.comparingInt(Span::start));
        StringBuilder out = new StringBuilder(to - from + 16 * chosen.size());
        int copied = from;
        for (Span s : chosen) {
            String replacement = vault.placeholderFor(s.entity(), text.substring(s.start(), s.end()));
            out.append(text, copied, s.start()).append(replacement);
            copied = s.end();
            count[0]++;
        }
        return out.append(text, copied, to).toString();
    }

    /**
     * A masker for one stream of text chunks (a model's streamed answer), not thread-safe: one per
     * stream. The concatenated output equals {@link #mask(String, MaskVault)} of the concatenated
     * input, even when a value is split across chunks.
     */
    public StreamMasker streamMasker(MaskVault vault) {
        return new StreamMasker(this, vault);
    }

    /**
     * Masks a stream, the counterpart of {@link MaskVault.StreamRestorer}: text is released once
     * no more text can change how it is masked; a tail that could still be (the start of) a value
     * or a placeholder is held back, at most {@link #MAX_HELD} characters (the longest built-in
     * value, an e-mail address, is 601), until the next chunk or {@link #finish()}. Placeholder
     * literals are reserved as they are released, so a literal arriving after a number was issued
     * cannot reserve it any more (the one difference to masking the whole text at once).
     */
    public static final class StreamMasker {

        /** The most text held back; a custom value longer than this may be cut (built-ins never are). */
        public static final int MAX_HELD = CustomPatternDetector.MAX_OPEN;

        /** Text kept before the release point: look-behinds and the e-mail walk-back read that far. */
        private static final int CONTEXT = 96;

        private final Masker masker;
        private final MaskVault vault;
        private final StringBuilder text = new StringBuilder();
        /** Where the unreleased text starts in {@link #text}; what comes before is context only. */
        private int from;

        StreamMasker(Masker masker, MaskVault vault) {
            this.masker = masker;
            this.vault = vault;
        }

        /** The masked text that is safe to emit now (possibly empty). */
        public String accept(String chunk) {
            if (chunk == null || chunk.isEmpty()) {
                return "";
            }
            text.append(chunk);
            return release(false);
        }

        /** Whatever is still held back, masked; call once when the stream ends. */
        public String finish() {
            return release(true);
        }

        private String release(boolean end) {
            String s = text.toString();
            int n = s.length();
            if (n == from) {
                return "";
            }
            List<Span> spans = new ArrayList<>();
            List<Span> literals = new ArrayList<>();
            int cut = end ? n : masker.scan(s, from, true, spans, literals);
            if (end) {
                masker.scan(s, from, false, spans, literals);
            } else {
                // never split a value or a literal: release up to its start
                cut = Math.max(from, backBefore(cut, spans, literals));
                if (cut < n - MAX_HELD) {
                    // held too long (only a custom pattern can do that): release, but whole values
                    cut = forwardPast(n - MAX_HELD, spans, literals);
                }
            }
            if (cut <= from) {
                return "";
            }
            for (Span l : literals) {
                if (l.start() >= from && l.end() <= cut) {
                    vault.reserveLiteral(s.substring(l.start(), l.end()));
                }
            }
            String out = render(s, from, cut, spans, literals, vault, new int[1]);
            int keep = Math.max(0, cut - CONTEXT);
            text.delete(0, keep);
            from = cut - keep;
            return out;
        }

        private static int backBefore(int cut, List<Span> spans, List<Span> literals) {
            return widen(cut, spans, literals, true);
        }

        private static int forwardPast(int cut, List<Span> spans, List<Span> literals) {
            return widen(cut, spans, literals, false);
        }

        /** Moves {@code cut} off any span it falls inside: to that span's start (back) or end (forward), until none. */
        private static int widen(int cut, List<Span> spans, List<Span> literals, boolean back) {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (List<Span> list : List.of(spans, literals)) {
                    for (Span sp : list) {
                        if (sp.start() < cut && sp.end() > cut) {
                            cut = back ? sp.start() : sp.end();
                            moved = true;
                        }
                    }
                }
            }
            return cut;
        }
    }

    /** The placeholder name for a custom entity: upper case, other characters as underscores. */
    static String entityName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("empty mask entity name");
        }
        StringBuilder b = new StringBuilder(name.length());
        for (char c : name.trim().toUpperCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        String entity = b.toString();
        if (!MaskVault.isEntityName(entity) || entity.length() > 40) {
            throw new IllegalArgumentException(
                    "mask entity name must start with a letter and hold at most 40 letters, digits or '_': " + name);
        }
        return entity;
    }

    private static List<String> known(Collection<String> custom) {
        List<String> all = new ArrayList<>();
        for (MaskEntity e : MaskEntity.values()) {
            all.add(e.name());
        }
        all.addAll(custom);
        return all;
    }

    @Override
    public String toString() {
        return "Masker" + entities;
    }
}
