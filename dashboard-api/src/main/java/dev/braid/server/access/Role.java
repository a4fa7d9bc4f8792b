package dev.braid.server.access;

import java.util.Locale;

/** A key's role (DESIGN.md, "HTTP API (v1)"): what it may do. */
public enum Role {
    /** everything */
    ADMIN,
    /** deploy, activate, rollback, read */
    DEPLOYER,
    /** invoke pipelines and the OpenAI-compatible API, optionally scoped */
    INVOKER,
    /** read admin data */
    VIEWER;

    public boolean allows(Permission permission) {
        return switch (this) {
            case ADMIN -> true;
            case DEPLOYER -> permission == Permission.READ || permission == Permission.CHANGE;
            case INVOKER -> permission == Permission.INVOKE;
            case VIEWER -> permission == Permission.READ;
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code text} (case-insensitive), or null. */
    public static Role parse(String text) {
        if (text == null) {
            return null;
        }
        for (Role r : values()) {
            if (r.wire().equalsIgnoreCase(text.trim())) {
                return r;
            }
        }
        return null;
    }

    /** What a request needs. */
    public enum Permission {
        /** /v1/…: invoke pipelines, chat, embeddings, models */
        INVOKE,
        /** GET /api/pipelines…, /api/usage */
        READ,
        /** deploy, validate, activate, rollback */
        CHANGE,
        /** /api/keys, /api/providers, /api/audit */
        ADMINISTER
    }
}
