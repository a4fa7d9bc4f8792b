package dev.braid.engine.kind;

import dev.braid.engine.spec.Fields;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Where a kind's map sits in the YAML being read.
 *
 * @param body the value under the kind's key ({@code model: {…}})
 * @param path its path ({@code steps[2].model})
 * @param step the step's own map ({@code id}, {@code when} and the kind's key), for rules that
 *     span both (an output mask takes no {@code when})
 * @param before the ids of the steps that ran before this one: what templates may reference
 */
public record StepSource(Node body, String path, Fields step, Set<String> before) {}
