package dev.braid.engine.compile;

import dev.braid.engine.template.JsonataExpression;

import java.util.List;

/** An aggregate step: fails with 502 when a {@code require}d step failed, else like a transform. */
public record AggregateBinding(String id, JsonataExpression expression, List<String> require) {

    public AggregateBinding {
        require = require == null ? List.of() : List.copyOf(require);
    }
}
