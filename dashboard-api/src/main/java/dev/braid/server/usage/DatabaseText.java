package dev.braid.server.usage;

/**
 * Makes a caller's text storable in any database Braid runs on. PostgreSQL's {@code text} cannot
 * hold U+0000: one NUL in one caller's model name failed the INSERT, and with it the batch of
 * every key's usage rows around it (issue 13, item 2). H2 takes NUL, so only PostgreSQL showed it.
 */
public final class DatabaseText {

    /** What a NUL becomes: visible in a report, where dropping it would silently merge two names. */
    static final char REPLACEMENT = '\uFFFD';

    private DatabaseText() {}

    /** {@code value} with each NUL replaced and cut to {@code max} characters (never inside a surrogate pair). */
    public static String clean(String value, int max) {
        if (value == null) {
            return null;
        }
        String text = value.indexOf('\u0000') < 0 ? value : value.replace('\u0000', REPLACEMENT);
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
