package dev.braid.components.guard;

import org.apache.camel.spi.Metadata;

/** Message headers the {@code guard:} component sets when it checks the body (no step). */
public final class GuardHeaders {

    /** Whether a FLAG rule matched (Boolean). */
    @Metadata(description = "Whether a FLAG rule matched (Boolean).", javaType = "Boolean")
    public static final String FLAGGED = "BraidGuardFlagged";

    /** The prompt-injection score in [0, 1] (Double; 0 when the check is off). */
    @Metadata(description = "The prompt-injection score in [0, 1] (Double; 0 when the check is off).", javaType = "Double")
    public static final String SCORE = "BraidGuardScore";

    /** The names of the rules that matched (List of String), e.g. {@code [prompt_injection]}. */
    @Metadata(description = "The names of the rules that matched (List of String), e.g. [prompt_injection].", javaType = "java.util.List<String>")
    public static final String RULES = "BraidGuardRules";

    private GuardHeaders() {}
}
