package dev.braid.engine.runtime;

import java.util.Locale;

/** What a {@code braid:} endpoint does; the URI path names it. */
enum BraidOperation {
    BEGIN,
    WHEN,
    TRANSFORM,
    AGGREGATE,
    ENRICH,
    JOIN,
    FINISH,
    CAMEL_IN,
    CAMEL_OUT;

    String uriName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static BraidOperation fromUriName(String name) {
        for (BraidOperation op : values()) {
            if (op.uriName().equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown braid operation '" + name + "'");
    }
}
