package dev.braid.server.access;

/**
 * Who changed the registry: an API key's id and name once keys exist; until then every caller is
 * {@link #ANONYMOUS}, and pipelines deployed from files at first start are {@link #STARTUP}.
 */
public record Actor(String id, String name) {

    public static final Actor ANONYMOUS = new Actor("anonymous", "anonymous");
    public static final Actor STARTUP = new Actor("startup", "pipeline files at first start");

    /** The name as a log line may carry it: control characters (a newline forging a line) as {@code ?}, at most 80 characters. */
    public String logName() {
        return oneLine(name);
    }

    /** {@code s} made safe for one log line: control characters replaced, cut at 80 characters. */
    public static String oneLine(String s) {
        if (s == null) {
            return "?";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
