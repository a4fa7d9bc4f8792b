package dev.braid.components.mask;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors. Each is one precompiled pattern, tried in one left-to-right pass only
 * where a value can start ({@link Anchor}), plus a cheap check (checksum, range, shape) that
 * rejects look-alikes.
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
                    + "(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9\\-])",
            Anchor.AT_SIGN),

    /**
     * International numbers ({@code +CC}, {@code (+CC)} or {@code 00CC} then separated groups, or
     * {@code +} and 8–15 digits),
     * North-American numbers with separators or parentheses ({@code (415) 555-2671},
     * {@code 415.555.2671}), and national numbers with a trunk 0 and separators
     * ({@code 020 7946 0958}, {@code 0171-1234567}, {@code (030) 123 456 78}, {@code 06 12 34 56 78}).
     * Bare digit runs are never phones (order numbers, years, prices), nor are dates.
     */
    PHONE(
            "(?<![\\w+$€£¥.,/\\-])(?<!\\d[ .\\-/])"
                    + "(?:"
                    + "(?:\\+[1-9]\\d{0,3}|\\(\\+[1-9]\\d{0,3}\\)|00[1-9]\\d{0,3})"
                    + "(?:[ .\\-]?\\(\\d{1,4}\\)\\d{0,8})?(?:[ .\\-]\\d{1,8}){1,6}+"
                    + "|\\+[1-9]\\d{7,14}+"
                    + "|(?:1[ .\\-])?(?:\\([2-9]\\d{2}\\)[ .\\-]?|[2-9]\\d{2}[ .\\-])\\d{3}[ .\\-]\\d{4}"
                    + "|(?:\\(0\\d{1,4}\\)[ \\-/]?|0\\d{1,4}[ \\-/])\\d{2,8}(?:[ \\-]\\d{2,4}){0,4}+"
                    + ")"
                    + "(?!\\w)(?![ .\\-/:,]?\\d)",
            Anchor.PHONE_START) {
        private final Pattern date = Pattern.compile("\\d{1,2}([./\\-])\\d{1,2}\\1(?:19|20)\\d{2}(?!\\d)");

        @Override
        int validEnd(String text, int start, int end) {
            int digits = countDigits(text, start, end);
            if (text.charAt(start) == '+' || text.charAt(start + 1) == '+') {
                return digits >= 8 && digits <= 16 ? end : -1; // E.164 allows 15, plus a "(0)" trunk
            }
            boolean international = text.startsWith("00", start); // "00" dialled in place of "+"
            if (digits < (international ? 10 : 9) || digits > (international ? 18 : 13)) {
                return -1;
            }
            return date.matcher(text).region(start, end).lookingAt() ? -1 : end;
        }
    },

    /** 13–19 digits, optionally grouped by single spaces or dashes, passing the Luhn check. */
    CREDIT_CARD(
            "(?<![\\w+\\-.,])(?<!\\d[ \\-])\\d(?:[ \\-]?\\d){12,18}+(?!\\w)(?![ \\-.,]?\\d)", Anchor.CARD_START) {
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
            Anchor.IBAN_START) {
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
            Anchor.IPV4_START),

    /**
     * Full and compressed IPv6 forms, including {@code ::1} and an embedded IPv4 tail
     * ({@code ::ffff:1.2.3.4}). Candidates are runs of hex digits, colons and dots, validated by
     * a parser (never by name resolution). Zone ids ({@code %eth0}) and brackets are not included.
     */
    IPV6("(?<![\\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}+(?![\\w:])", Anchor.IPV6_START) {
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
    US_SSN("(?<![\\w\\-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?!\\w)(?!-\\d)", Anchor.SSN_START);

    private final Pattern pattern;
    private final Anchor anchor;

    MaskEntity(String regex, Anchor anchor) {
        this.pattern = Pattern.compile(regex);
        this.anchor = anchor;
    }

    @Override
    public String entity() {
        return name();
    }

    Anchor anchor() {
        return anchor;
    }

    /** How far a start check ({@link Anchor#mayStart}) reads ahead, at most. */
    private static final int START_LOOKAHEAD = 40;

    /**
     * Tries the pattern only where a value can start (a cheap character test), anchored there:
     * far fewer regex attempts than {@code find()} trying every position. Transparent bounds let
     * the look-behinds see the characters before the attempt. On an open text (a stream) an
     * attempt that reads to the end marks its start as unsettled, and so does a trailing run of
     * characters an e-mail's local part may hold (an {@code @} may still follow); near the end the
     * start check is skipped, since it may only have failed for want of text.
     */
    @Override
    public int scan(String text, int from, List<Span> out, boolean open) {
        int n = text.length();
        int unstable = n;
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        if (anchor == Anchor.AT_SIGN) {
            if (open) {
                int run = n;
                while (run > from && n - run < 65 && isLocalChar(text.charAt(run - 1))) {
                    run--;
                }
                if (run < n) {
                    unstable = run;
                }
            }
            // walk back from each '@' to the start of its local part
            int next = from;
            for (int at = text.indexOf('@', next); at >= 0; at = text.indexOf('@', next)) {
                int start = at;
                while (start > 0 && at - start < 65 && isLocalChar(text.charAt(start - 1))) {
                    start--;
                }
                next = at + 1;
                if (start < at && start >= from) {
                    if (m.region(start, n).lookingAt()) {
                        out.add(new Span(start, m.end(), name()));
                        next = m.end();
                    }
                    if (open && m.hitEnd()) {
                        unstable = Math.min(unstable, start);
                    }
                }
                if (next >= n) {
                    break;
                }
            }
            return unstable;
        }
        int edge = open ? n - START_LOOKAHEAD : n;
        for (int i = from; i < n; i++) {
            boolean may = anchor.mayStart(text, i);
            if (!may && i < edge) {
                continue;
            }
            boolean matched = m.region(i, n).lookingAt();
            if (open && m.hitEnd()) {
                unstable = Math.min(unstable, i);
            }
            if (matched && may) {
                int end = validEnd(text, i, m.end());
                if (end > i) {
                    out.add(new Span(i, end, name()));
                    i = end - 1;
                }
            }
        }
        return unstable;
    }

    /** The end of the valid value starting at {@code start}, at most {@code end}; -1 when invalid. */
    int validEnd(String text, int start, int end) {
        return end;
    }

    /**
     * Which detector wins when two find exactly the same span: checksum-validated values first,
     * the loosely shaped PHONE last (an SSN is also a valid national phone shape).
     */
    int tieRank() {
        return switch (this) {
            case CREDIT_CARD -> 0;
            case IBAN -> 1;
            case US_SSN -> 2;
            case IPV6 -> 3;
            case IPV4 -> 4;
            case EMAIL -> 5;
            case PHONE -> 6;
        };
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

    private static boolean isLocalChar(char c) {
        return isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isDigit(c) || isAsciiLetter(c);
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * Where a detector's value can start; also names the character without which the detector
     * cannot match at all, checked once per text before any scanning.
     */
    enum Anchor {
        /** Found from each {@code @}. */
        AT_SIGN,
        /** {@code +}, {@code (} or the first digit of a run. */
        PHONE_START {
            @Override
            boolean mayStart(String text, int i) {
                char c = text.charAt(i);
                return c == '+' || c == '(' || DIGIT_RUN.mayStart(text, i);
            }
        },
        /** The first digit of a run. */
        DIGIT_RUN {
            @Override
            boolean mayStart(String text, int i) {
                return isDigit(text.charAt(i)) && (i == 0 || !isDigit(text.charAt(i - 1)));
            }
        },
        /** Two letters then two digits, not inside a word. */
        IBAN_START {
            @Override
            boolean mayStart(String text, int i) {
                return i + 3 < text.length()
                        && isAsciiLetter(text.charAt(i))
                        && isAsciiLetter(text.charAt(i + 1))
                        && isDigit(text.charAt(i + 2))
                        && isDigit(text.charAt(i + 3))
                        && (i == 0 || !isAsciiLetterOrDigit(text.charAt(i - 1)));
            }
        },
        /** A digit run of 1–3 digits followed by a dot. */
        IPV4_START {
            @Override
            boolean mayStart(String text, int i) {
                if (!DIGIT_RUN.mayStart(text, i)) {
                    return false;
                }
                int k = i;
                while (k < text.length() && k - i < 4 && isDigit(text.charAt(k))) {
                    k++;
                }
                return k - i <= 3 && k < text.length() && text.charAt(k) == '.';
            }
        },
        /** Three digits and a dash. */
        SSN_START {
            @Override
            boolean mayStart(String text, int i) {
                return DIGIT_RUN.mayStart(text, i)
                        && i + 3 < text.length()
                        && isDigit(text.charAt(i + 1))
                        && isDigit(text.charAt(i + 2))
                        && text.charAt(i + 3) == '-';
            }
        },
        /** A digit run holding at least 13 digits, single spaces or dashes allowed between them. */
        CARD_START {
            @Override
            boolean mayStart(String text, int i) {
                if (!DIGIT_RUN.mayStart(text, i)) {
                    return false;
                }
                int digits = 0;
                int n = text.length();
                for (int k = i; k < n && digits < 13; k++) {
                    char c = text.charAt(k);
                    if (isDigit(c)) {
                        digits++;
                    } else if (!((c == ' ' || c == '-') && k + 1 < n && isDigit(text.charAt(k + 1)))) {
                        break;
                    }
                }
                return digits >= 13;
            }
        },
        /**
         * A hex digit or colon that does not continue a word, colon or dot run, with a colon
         * within its first five characters.
         */
        IPV6_START {
            @Override
            boolean mayStart(String text, int i) {
                char c = text.charAt(i);
                if (!isHex(c) && c != ':') {
                    return false;
                }
                if (i > 0) {
                    char p = text.charAt(i - 1);
                    if (isAsciiLetterOrDigit(p) || p == '_' || p == ':' || p == '.') {
                        return false;
                    }
                }
                int k = i;
                while (k < text.length() && k - i < 5 && isHex(text.charAt(k))) {
                    k++;
                }
                return k - i <= 4 && k < text.length() && text.charAt(k) == ':';
            }
        };

        boolean mayStart(String text, int i) {
            return false;
        }
    }
}
