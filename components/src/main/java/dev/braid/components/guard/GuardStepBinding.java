package dev.braid.components.guard;

import dev.braid.components.step.StepIO;

/**
 * A guard step as the {@code guard:} component sees it. {@code read} returns the value to check
 * (a String, or Maps/Lists holding Strings); {@code write} receives the verdict when not blocked.
 */
public interface GuardStepBinding extends StepIO<Object, GuardVerdict> {

    GuardPolicy policy();
}
