package dev.braid.components.mask;

import dev.braid.components.step.StepIO;

/**
 * A mask step as the {@code mask:} component sees it. {@code read} returns the value to mask
 * (a String, or Maps/Lists holding Strings); {@code write} receives the masked copy.
 */
public interface MaskStepBinding extends StepIO<Object, Object> {

    MaskPolicy policy();
}
