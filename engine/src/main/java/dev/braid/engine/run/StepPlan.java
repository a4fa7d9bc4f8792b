package dev.braid.engine.run;

import dev.braid.engine.template.JsonataExpression;

/**
 * What every step has: its id, its key and its optional {@code when} condition (null: always runs).
 * The {@code braid:begin} and {@code braid:when} endpoints read it.
 */
public record StepPlan(String key, String id, JsonataExpression when) {

    /** Exchange property a {@code when} step's filter tests; set by {@code braid:when}. */
    public static final String ENABLED_PROPERTY = "BraidStepEnabled";
}
