package dev.braid.components.guard;

/** What a guard does when a rule matches. */
public enum GuardAction {
    OFF,
    FLAG,
    BLOCK
}
