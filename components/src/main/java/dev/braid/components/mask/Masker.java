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
        BitSet covered = null;
        // placeholder-shaped literals (reserved, or masked already): kept as they are, never rescanned
        for (int lt = text.indexOf('<'); lt >= 0; lt = text.indexOf('<', lt + 1)) {
            int end = MaskVault.tokenEnd(text, lt);
            if (end > 0) {
                if (covered == null) {
                    covered = new BitSet(text.length());
                }
                covered.set(lt, end);
                lt = end - 1;
            }
        }
        boolean hasDigit = false;
        boolean hasAt = false;
        boolean hasColon = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                hasDigit = true;
            } else if (c == '@') {
                hasAt = true;
            } else if (c == ':') {
                hasColon = true;
            }
        }
        for (Detector d : detectors) {
            if (d instanceof MaskEntity e) {
                boolean possible =
                        switch (e.anchor()) {
                            case AT_SIGN -> hasAt;
                            case IPV6_START -> hasColon;
                            case PHONE_START, DIGIT_RUN, IBAN_START, IPV4_START, SSN_START, CARD_START -> hasDigit;
                        };
                if (possible) {
                    e.find(text, spans);
                }
            } else {
                d.find(text, spans);
            }
        }
        if (spans.isEmpty()) {
            return text;
        }
        spans.sort(LONGEST_THEN_EARLIEST);
        if (covered == null) {
            covered = new BitSet(text.length());
        }
        List<Span> chosen = new ArrayList<>(spans.size());
        for (Span s : spans) {
            int firstCovered = covered.nextSetBit(s.start());
            if (firstCovered < 0 || firstCovered >= s.end()) {
                covered.set(s.start(), s.end());
                chosen.add(s);
            }
        }
        chosen.sort(Comparator.comparingInt(Span::start));
        StringBuilder out = new StringBuilder(text.length() + 16 * chosen.size());
        int copied = 0;
        for (Span s : chosen) {
            String replacement = vault.placeholderFor(s.entity(), text.substring(s.start(), s.end()));
            out.append(text, copied, s.start()).append(replacement);
            copied = s.end();
            count[0]++;
        }
        return out.append(text, copied, text.length()).toString();
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
