package dev.braid.components.guard;

/** Message headers the {@code guard:} component sets when it checks the body (no step). */
public final class GuardHeaders {

    /** Whether a FLAG rule matched (Boolean). */
    public static final String FLAGGED = "BraidGuardFlagged";

    /** The prompt-injection score in [0, 1] (Double; 0 when the check is off). */
    public static final String SCORE = "BraidGuardScore";

    /** The names of the rules that matched (List of String), e.g. {@code [prompt_injection]}. */
    public static final String RULES = "BraidGuardRules";

    private GuardHeaders() {}
}
