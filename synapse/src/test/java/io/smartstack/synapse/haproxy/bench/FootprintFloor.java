package io.smartstack.synapse.haproxy.bench;

/**
 * The footprint benchmark's floor: a trivial Java program run with the daemons' JVM options. It prints
 * one line when its main method runs and then idles until it is stopped, so its start time and resident
 * memory are what the JVM alone costs with those options.
 */
public final class FootprintFloor {
    private FootprintFloor() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
