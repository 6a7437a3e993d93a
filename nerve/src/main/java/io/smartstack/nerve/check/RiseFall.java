package io.smartstack.nerve.check;

/**
 * Rise/fall filtering as the original defines it: the first result is adopted at once; afterwards
 * {@code fall} consecutive failures turn an up check down and {@code rise} consecutive passes turn a
 * down check up; otherwise the state holds. Immutable: {@link #next(boolean)} returns the new state.
 *
 * @param up the filtered state; null before the first result
 */
public record RiseFall(int rise, int fall, Boolean up, int consecutivePasses, int consecutiveFailures) {
    public RiseFall {
        if (rise < 1) {
            throw new IllegalArgumentException("rise < 1: " + rise);
        }
        if (fall < 1) {
            throw new IllegalArgumentException("fall < 1: " + fall);
        }
    }

    public static RiseFall initial(int rise, int fall) {
        return new RiseFall(rise, fall, null, 0, 0);
    }

    public RiseFall next(boolean passed) {
        int passes = passed ? saturatedIncrement(consecutivePasses) : 0;
        int failures = passed ? 0 : saturatedIncrement(consecutiveFailures);
        Boolean state;
        if (up == null) {
            state = passed;
        } else if (up && failures >= fall) {
            state = false;
        } else if (!up && passes >= rise) {
            state = true;
        } else {
            state = up;
        }
        return new RiseFall(rise, fall, state, passes, failures);
    }

    public boolean isUp() {
        return Boolean.TRUE.equals(up);
    }

    private static int saturatedIncrement(int value) {
        return value == Integer.MAX_VALUE ? value : value + 1;
    }
}
