package dev.braid.components.guard;

import java.util.List;

/**
 * The outcome of a guard check that did not block: {@code flagged} when a FLAG rule matched,
 * the injection {@code score} in [0,1], and the names of the rules that matched.
 */
public record GuardVerdict(boolean flagged, double score, List<String> rules) {

    public GuardVerdict {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}
