package io.smartstack.nerve.check;

/** Always up. */
final class NoopCheck implements HealthCheck {
    @Override
    public CheckOutcome run() {
        return CheckOutcome.pass("noop");
    }
}
