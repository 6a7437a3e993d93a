package io.smartstack.synapse.haproxy;

import java.util.function.Supplier;

/** A config text made at most once, on whichever thread first needs it (the generator's or the writer's). */
final class Lazy implements Supplier<String> {
    private Supplier<String> make;
    private String text;

    Lazy(Supplier<String> make) {
        this.make = make;
    }

    static Lazy of(String text) {
        Lazy lazy = new Lazy(null);
        lazy.text = text;
        return lazy;
    }

    @Override
    public synchronized String get() {
        if (text == null) {
            text = make.get();
            make = null;
        }
        return text;
    }
}
