package dev.braid.components.mask;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors. Each is one precompiled pattern that proposes candidates in a single
 * left-to-right pass, plus a cheap check (checksum, range, shape) that rejects look-alikes.
 *
 * <p>The patterns avoid nested ambiguous quantifiers (groups are delimited by mandatory separators
 * or fixed widths, and open-ended runs are possessive), so no input makes them backtrack
 * super-linearly. Look-behinds and look-aheads refuse a candidate that is only part of a longer
 * digit/dot run (a phone number inside a card number, an IP inside a version string).
 */
public enum MaskEntity implements Detector {

    /** {@code local@domain.tld}, ASCII only; local part up to 64 characters. */
    EMAIL(
            "(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]{1,64}+@"
                    + "(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\\-])",
            Prefilter.AT) {
        @Override
        int validEnd(String text, int start, int end) {
            // a local part may not start or end with a dot, nor hold two in a row
            int at = text.indexOf('@', start);
            if (text.charAt(start) == '.' || text.charAt(at - 1) == '.') {
                return -1;
            }
            return text.substring(start, at).contains("..") ? -1 : end;
        }
    },

    /**
     * International numbers ({@code +CC} then separated groups, or {@code +} and 8–15 digits),
     * North-American numbers with separators or parentheses ({@code (415) 555-2671},
     * {@code 415.555.2671}), and national numbers with a trunk 0 and separators
     * ({@code 020 7946 0958}, {@code 0171-1234567}, {@code (030) 123 456 78}, {@code 06 12 34 56 78}).
     * Bare digit runs are never phones (order numbers, years, prices), nor are dates.
     */
    PHONE(
            "(?<![\\w+$€£¥.,/\\-])(?<!\\d[ .\\-/])"
                    + "(?:"
                    + "\\+[1-9]\\d{0,3}(?:[ .\\-]?\\(\\d{1,4}\\)\\d{0,8})?(?:[ .\\-]\\d{1,8}){1,6}+"
                    + "|\\+[1-9]\\d{7,14}+"
                    + "|(?:1[ .\\-])?(?:\\([2-9]\\d{2}\\)[ .\\-]?|[2-9]\\d{2}[ .\\-])\\d{3}[ .\\-]\\d{4}"
                    + "|(?:\\(0\\d{1,4}\\)[ \\-/]?|0\\d{1,4}[ \\-/])\\d{2,8}(?:[ \\-]\\d{2,4}){0,4}+"
                    + ")"
                    + "(?!\\w)(?![ .\\-/:,]?\\d)",
            Prefilter.DIGIT) {
        private final Pattern date = Pattern.compile("\\d{1,2}([./\\-])\\d{1,2}\\1(?:19|20)\\d{2}(?!\\d)");

        @Override
        int validEnd(String text, int start, int end) {
            int digits = countDigits(text, start, end);
            if (text.charAt(start) == '+') {
                return digits >= 8 && digits <= 16 ? end : -1; // E.164 allows 15, plus a "(0)" trunk
            }
            if (digits < 9 || digits > 13) {
                return -1;
            }
            Matcher m = date.matcher(text).region(start, end);
            return m.lookingAt() ? -1 : end;
        }
    },

    /** 13–19 digits, optionally grouped by single spaces or dashes, passing the Luhn check. */
    CREDIT_CARD(
            "(?<![\\w+\\-.,])(?<!\\d[ \\-])\\d(?:[ \\-]?\\d){12,18}+(?!\\w)(?![ \\-.,]?\\d)", Prefilter.DIGIT) {
        @Override
        int validEnd(String text, int start, int end) {
            return Checksums.luhn(text, start, end) ? end : -1;
        }
    },

    /**
     * Country code, two check digits, up to 30 alphanumerics, optionally in groups of four
     * separated by single spaces; ISO 7064 mod-97 checked. Trailing groups that break the checksum
     * (a following word) are dropped one at a time.
     */
    IBAN(
            "(?<![A-Za-z0-9])[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]{4}){2,7}+(?: ?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])",
            Prefilter.DIGIT) {
        @Override
        int validEnd(String text, int start, int end) {
            int e = end;
            while (e - start >= 15) {
                if (Checksums.iban(text, start, e)) {
                    return e;
                }
                int space = text.lastIndexOf(' ', e - 1);
                if (space <= start + 4) {
                    return -1;
                }
                e = space;
            }
            return -1;
        }
    },

    /** Dotted quad, each octet 0–255 without leading zeros, not part of a longer dotted run. */
    IPV4(
            "(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
                    + "(?!\\w)(?!\\.\\d)",
            Prefilter.DIGIT),

    /**
     * Full and compressed IPv6 forms, including {@code ::1} and an embedded IPv4 tail
     * ({@code ::ffff:1.2.3.4}). Candidates are runs of hex digits, colons and dots, validated by
     * a parser (never by name resolution). Zone ids ({@code %eth0}) and brackets are not included.
     */
    IPV6("(?<![\\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}+(?![\\w:])", Prefilter.COLON) {
        @Override
        int validEnd(String text, int start, int end) {
            int e = end;
            while (e > start && text.charAt(e - 1) == '.') {
                e--; // a sentence's full stop
            }
            return Checksums.ipv6(text, start, e) ? e : -1;
        }
    },

    /** US social security numbers {@code AAA-GG-SSSS}; never area 000, 666 or 900–999, group 00, serial 0000. */
    US_SSN("(?<![\\w\\-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?!\\w)(?!-\\d)", Prefilter.DIGIT);

    private final Pattern pattern;
    private final Prefilter prefilter;

    MaskEntity(String regex, Prefilter prefilter) {
        this.pattern = Pattern.compile(regex);
        this.prefilter = prefilter;
    }

    @Override
    public String entity() {
        return name();
    }

    Prefilter prefilter() {
        return prefilter;
    }

    Pattern pattern() {
        return pattern;
    }

    @Override
    public void find(String text, List<Span> out) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int end = validEnd(text, m.start(), m.end());
            if (end > m.start()) {
                out.add(new Span(m.start(), end, name()));
            }
        }
    }

    /** The end of the valid value starting at {@code start}, at most {@code end}; -1 when invalid. */
    int validEnd(String text, int start, int end) {
        return end;
    }

    /** The built-in entity called {@code name} (case-insensitive), or null. */
    static MaskEntity byName(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        for (MaskEntity e : values()) {
            if (e.name().equals(upper)) {
                return e;
            }
        }
        return null;
    }

    private static int countDigits(String text, int start, int end) {
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }

    /** A character without which a detector cannot match, checked once per text before scanning. */
    enum Prefilter {
        AT,
        COLON,
        DIGIT
    }
}
