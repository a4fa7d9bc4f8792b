package dev.braid.server.openai;

/**
 * The {@code model} a caller names on {@code /v1}: at most {@link #MAX_LENGTH} characters and no
 * control characters, else 400 before anything routes it. Real model ids are far shorter; an 800 KB
 * name was kept in metric labels and circuit breakers, and a NUL reached PostgreSQL text (issue 13,
 * items 1 and 2: both are also bounded where they are stored).
 */
public final class ModelNames {

    static final int MAX_LENGTH = 256;

    private ModelNames() {}

    static String checked(String model) {
        String problem = problem(model);
        if (problem != null) {
            throw new RequestInvalid("model", problem);
        }
        return model;
    }

    /** What is wrong with {@code model} as a name, or null; every door refuses the same names. */
    public static String problem(String model) {
        if (model.length() > MAX_LENGTH) {
            return "'model' is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return "'model' contains a control character";
            }
        }
        return null;
    }
}
