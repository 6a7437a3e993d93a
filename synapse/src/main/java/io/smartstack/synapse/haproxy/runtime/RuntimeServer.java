package io.smartstack.synapse.haproxy.runtime;

import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;

/**
 * One server as the running HAProxy reports it in {@code show servers state}.
 *
 * @param operationalState srv_op_state: 0 stopped (down), 1 starting, 2 running, 3 stopping
 * @param adminFlags srv_admin_state bitmask (forced/inherited/config maintenance, forced/inherited drain, ...)
 * @param userWeight the weight in effect (srv_uweight)
 */
public record RuntimeServer(
        String backend,
        int id,
        String name,
        String address,
        int port,
        int operationalState,
        int adminFlags,
        int userWeight) {

    private static final int MAINTENANCE_FLAGS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
    private static final int DRAIN_FLAGS = 0x08 | 0x10;

    public AdminState adminState() {
        if ((adminFlags & MAINTENANCE_FLAGS) != 0) {
            return AdminState.MAINT;
        }
        return (adminFlags & DRAIN_FLAGS) != 0 ? AdminState.DRAIN : AdminState.READY;
    }

    /** up, down, drain or maint: what the status page shows. */
    public String describe() {
        return switch (adminState()) {
            case MAINT -> "maint";
            case DRAIN -> "drain";
            case READY -> operationalState == 0 ? "down" : "up";
        };
    }
}
