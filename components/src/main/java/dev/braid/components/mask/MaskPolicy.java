package dev.braid.components.mask;

import java.util.List;
import java.util.Map;

/**
 * What to mask. {@code entities} are built-in detector names: EMAIL, PHONE, CREDIT_CARD, IBAN,
 * IPV4, IPV6, US_SSN. {@code customPatterns} maps an entity name (upper case, used in the
 * placeholder {@code <NAME_1>}) to a Java regular expression.
 */
public record MaskPolicy(List<String> entities, Map<String, String> customPatterns, boolean restore) {

    public MaskPolicy {
        entities = entities == null ? List.of() : List.copyOf(entities);
        customPatterns = customPatterns == null ? Map.of() : Map.copyOf(customPatterns);
    }
}
