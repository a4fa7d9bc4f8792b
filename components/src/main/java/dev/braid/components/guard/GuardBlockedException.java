package dev.braid.components.guard;

/** A guard rule blocked the request: Braid answers 400 {@code guard_blocked} naming the rule. */
public final class GuardBlockedException extends RuntimeException {

    private final String rule;

    public GuardBlockedException(String rule, String message) {
        super(message, null, false, false);
        this.rule = rule;
    }

    /** The rule that matched, e.g. {@code prompt_injection} or {@code max_input_tokens}. */
    public String rule() {
        return rule;
    }
}
