package dev.braid.engine.runtime;

import dev.braid.components.step.StepBindings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step bindings of every loaded version, bound in the Camel registry as
 * {@link StepBindings#BEAN_NAME}. A key ({@code <name>/<N>/<stepId>}) may carry several bindings of
 * different types (the step's plan and its kind's binding); lookup picks by type.
 */
final class StepBindingRegistry implements StepBindings {

    private final Map<String, List<Object>> bindings = new ConcurrentHashMap<>();

    void addAll(Map<String, List<Object>> added) {
        bindings.putAll(added);
    }

    void removeAll(Iterable<String> keys) {
        keys.forEach(bindings::remove);
    }

    boolean contains(String key) {
        return bindings.containsKey(key);
    }

    @Override
    public <T> T lookup(String stepKey, Class<T> type) {
        List<Object> list = bindings.get(stepKey);
        if (list != null) {
            for (Object b : list) {
                if (type.isInstance(b)) {
                    return type.cast(b);
                }
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " bound for step " + stepKey);
    }
}
