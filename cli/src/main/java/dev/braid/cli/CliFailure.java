package dev.braid.cli;

/** Ends a command with a message for stderr and a chosen exit code; never carries a stack trace to the user. */
public final class CliFailure extends RuntimeException {

    private final Exit exit;

    public CliFailure(Exit exit, String message) {
        super(message, null, false, false);
        this.exit = exit;
    }

    public Exit exit() {
        return exit;
    }
}
