package io.smartstack.nerve.check;

/** The result of one check run: passed or not, and a reason a person can act on. */
public record CheckOutcome(boolean passed, String reason) {
    public static CheckOutcome pass(String reason) {
        return new CheckOutcome(true, reason);
    }

    public static CheckOutcome fail(String reason) {
        return new CheckOutcome(false, reason);
    }

    /** A failure from an exception: its class and message, as one line. */
    public static CheckOutcome failure(Throwable error) {
        String message = error.getMessage();
        String name = error.getClass().getSimpleName();
        return fail(
                message == null || message.isBlank()
                        ? name
                        : name + ": " + message.lines().findFirst().orElse(""));
    }
}
