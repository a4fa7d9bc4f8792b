package dev.braid.server.releases;

import java.util.regex.Pattern;

/**
 * What keeps a caller on one arm: the caller's API key, a request header's value, or nothing (each
 * request decided afresh).
 */
public sealed interface Sticky {

    Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

    String wire();

    record Key() implements Sticky {
        public String wire() {
            return "key";
        }
    }

    record None() implements Sticky {
        public String wire() {
            return "none";
        }
    }

    /** @param name the header, as given (HTTP header names are case-insensitive) */
    record Header(String name) implements Sticky {
        public String wire() {
            return "header:" + name;
        }
    }

    /** Reads {@code key}, {@code none} or {@code header:<Name>}; null when it is none of them. */
    static Sticky parse(String text) {
        if (text == null) {
            return null;
        }
        if (text.equals("key")) {
            return new Key();
        }
        if (text.equals("none")) {
            return new None();
        }
        if (text.startsWith("header:") && HEADER_NAME.matcher(text.substring(7)).matches()) {
            return new Header(text.substring(7));
        }
        return null;
    }
}
