package dev.braid.server.usage;

import java.util.Optional;

/**
 * The {@code status} of a usage row (and the {@code status} tag of its metrics): how a request or
 * a step ended. A step's status is the engine's own ({@code ok}, {@code failed}, {@code timeout},
 * {@code skipped}); a request's is {@code ok}, {@code error}, {@code timeout} or {@code cancelled}.
 */
public enum UsageStatus {
    OK("ok"),
    FAILED("failed"),
    TIMEOUT("timeout"),
    ERROR("error"),
    CANCELLED("cancelled"),
    SKIPPED("skipped");

    private final String wire;

    UsageStatus(String wire) {
        this.wire = wire;
    }

    /** The name in the {@code usage_records.status} column and in metrics. */
    public String wire() {
        return wire;
    }

    /** The status named {@code wire}, if it is one of these. */
    public static Optional<UsageStatus> of(String wire) {
        for (UsageStatus s : values()) {
            if (s.wire.equals(wire)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
